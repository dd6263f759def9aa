/**
 * A song's mix session: the engine's session document (tracks, takes, clips, mixer, automation) stored with
 * the song, its audio referenced by the sha256 of files uploaded to the blob store — the `path` of each audio
 * reference is only a hint; renders read the blob. Edits name the version they were based on (409 with the
 * current session when someone else saved first).
 */
import { parseSession } from "@controlroom/engine/session/load.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import type { Kysely } from "kysely";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { conflict, invalid, notFound, parseInput } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import { authorizeSong } from "../team/access.ts";

export const PutSongSessionInput = z.object({
  /** The session version this edit was based on; 0 (or omitted) when the song has no session yet. */
  version: z.number().int().min(0).default(0),
  /** The session document (engine session format, version 2; older versions are migrated). */
  session: z
    .record(z.string(), z.unknown())
    .describe(
      "Control Room session document (packages/engine/src/session/README.md): audio by uploaded blob sha256, tracks, takes, mixer, automation",
    ),
});

/** A song's session as the API shows it. */
export interface SongSession {
  songId: string;
  /** 1, 2, 3… bumped by every save. */
  version: number;
  /** The checked document, defaults filled in. */
  session: Session;
  updatedBy: string;
  updatedAt: Date;
}

/**
 * Checks a session document for the studio: the engine's checks (every problem with its JSON path; the
 * first is reported as `session.<path>`), then that every audio reference is a file uploaded to the studio.
 */
export async function checkStudioSession(s: Studio, doc: unknown): Promise<Session> {
  let session: Session;
  try {
    session = parseSession(doc, "session");
  } catch (e) {
    if (!(e instanceof SessionError)) throw e;
    const [p] = e.problems;
    const more = e.problems.length > 1 ? ` (and ${e.problems.length - 1} more problems)` : "";
    throw invalid(p.path ? `session.${p.path}` : "session", `${p.message}${more}`);
  }
  const shas = [...new Set(Object.values(session.audio).map((a) => a.sha256))];
  const known = shas.length
    ? new Set(
        (await s.db.selectFrom("blobs").select("sha256").where("sha256", "in", shas).execute()).map(
          (r) => r.sha256,
        ),
      )
    : new Set<string>();
  for (const [id, ref] of Object.entries(session.audio))
    if (!known.has(ref.sha256))
      throw invalid(`session.audio.${id}.sha256`, `no uploaded file ${ref.sha256} (upload the audio first)`);
  return session;
}

async function readRow(db: Kysely<Database>, songId: string): Promise<SongSession | undefined> {
  const r = await db.selectFrom("song_sessions").selectAll().where("song_id", "=", songId).executeTakeFirst();
  return (
    r && {
      songId: r.song_id,
      version: r.version,
      session: r.document as unknown as Session,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    }
  );
}

/** The song's session (any team member who sees the song). 404 when the song has none. */
export async function getSongSession(s: Studio, actor: Actor, songId: string): Promise<SongSession> {
  await authorizeSong(s.db, actor, songId, "project.read");
  const row = await readRow(s.db, songId);
  if (!row) throw notFound(`session of song ${songId}`);
  return row;
}

/** Saves the song's session (producers, engineers, mixing engineers). */
export async function putSongSession(
  s: Studio,
  actor: Actor,
  songId: string,
  input: unknown,
): Promise<SongSession> {
  const v = parseInput(PutSongSessionInput, input);
  const { projectId } = await authorizeSong(s.db, actor, songId, "session.write");
  const session = await checkStudioSession(s, v.session);
  const document = JSON.stringify(session);
  await s.db.transaction().execute(async (trx) => {
    let saved: { version: number } | undefined;
    if (v.version === 0) {
      saved = await trx
        .insertInto("song_sessions")
        .values({ song_id: songId, document, version: 1, updated_by: actor.userId })
        .onConflict((oc) => oc.doNothing())
        .returning("version")
        .executeTakeFirst();
    } else {
      saved = await trx
        .updateTable("song_sessions")
        .set((eb) => ({
          document,
          version: eb("version", "+", 1),
          updated_by: actor.userId,
          updated_at: new Date(),
        }))
        .where("song_id", "=", songId)
        .where("version", "=", v.version)
        .returning("version")
        .executeTakeFirst();
    }
    if (!saved) {
      const current = await readRow(trx, songId);
      if (!current && v.version !== 0)
        throw invalid("version", `song ${songId} has no session yet: save with version 0`);
      throw conflict(
        `the session of song ${songId} was changed by someone else (you edited version ${v.version})`,
        {
          current,
        },
      );
    }
    await audit(trx, actor, projectId, "session.save", songId, { version: saved.version });
  });
  return (await readRow(s.db, songId)) as SongSession;
}
