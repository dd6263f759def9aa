/** Options every studio command shares: where the data is, and who is acting. */
import { resolve } from "node:path";
import { type Actor, type OpenStudio, openStudio, userByEmail } from "@controlroom/studio";
import { DEMO_LOGIN } from "@controlroom/studio/demo/seed-demo.ts";
import type { Command } from "commander";

/** Prints a value as indented JSON (what `--json` and the commands that answer with a record print). */
export const printJson = (x: unknown) => console.log(JSON.stringify(x, null, 2));

/** On Ctrl-C or SIGTERM: runs `close` (stop serving, close the store), then exits. */
export function closeOnSignal(close: () => Promise<void>): void {
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** Parsed common options. */
export interface StudioCliOptions {
  data: string;
  databaseUrl?: string;
  as?: string;
}

/** Adds --data, --database-url and --as to a command. */
export function withStudioOptions(c: Command, acting = true): Command {
  c.option(
    "--data <dir>",
    "data folder (embedded database and audio files)",
    process.env.CONTROLROOM_DATA ?? "controlroom-data",
  ).option(
    "--database-url <url>",
    "PostgreSQL server instead of the embedded database (default: $DATABASE_URL)",
    process.env.DATABASE_URL,
  );
  if (acting)
    c.option(
      "--as <email>",
      "act as this account (default: $CONTROLROOM_AS, else the demo producer)",
      process.env.CONTROLROOM_AS,
    );
  return c;
}

/** Opens the studio (no job queue) and resolves the acting user; closes it after `fn`. */
export async function withStudio<T>(
  o: StudioCliOptions,
  fn: (s: OpenStudio, actor: Actor) => Promise<T>,
): Promise<T> {
  const s = await openStudio({ dataDir: resolve(o.data), databaseUrl: o.databaseUrl, queue: "none" });
  try {
    const email = o.as ?? DEMO_LOGIN.email;
    const u = await userByEmail(s, email).catch((e: unknown) => {
      if ((e as { status?: number }).status !== 404) throw e;
      // Name the option and the store, and say how to get an account there.
      const where = o.databaseUrl ? "the database at --database-url" : `--data ${o.data}`;
      throw new Error(
        `--as: no account for ${email} in ${where} (create one with \`controlroom user create\`, or run \`controlroom serve\` once for the demo)`,
      );
    });
    return await fn(s, { userId: u.id });
  } finally {
    await s.close();
  }
}
