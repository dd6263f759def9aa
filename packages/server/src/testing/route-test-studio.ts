/**
 * What the route tests that run jobs share: a test studio on one database with a blob store and an in-process
 * job queue in a scratch folder, the server over it, the seeded team signed in with bearer tokens, and small
 * helpers to call a route as one of them and to wait for a job to settle.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { OutgoingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { login } from "@controlroom/studio/accounts/accounts.ts";
import { BlobStore } from "@controlroom/studio/blobs/blob-store.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import { InProcessQueue } from "@controlroom/studio/jobs/in-process-queue.ts";
import {
  type DatabaseKind,
  openTestStudio,
  seedTeam,
  type TeamFixture,
} from "@controlroom/studio/testing/test-studio.ts";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../app.ts";
import { uploadForm } from "./upload-form.ts";

/** A role of the seeded team. */
export type Member = keyof TeamFixture["actors"];

/** A route's answer: status, the parsed JSON body (null when the answer is not JSON), the raw bytes, headers. */
export interface RouteAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the route answered
  body: any;
  raw: Buffer;
  headers: OutgoingHttpHeaders;
}

export interface RouteTestStudio {
  studio: Studio;
  app: FastifyInstance;
  queue: InProcessQueue;
  team: TeamFixture;
  /** The scratch folder (blobs live in `blobs/` under it); removed by `close`. */
  dir: string;
  /** Calls a route as `who` with a bearer token; `body` is sent as JSON. */
  call(who: Member, method: string, url: string, body?: unknown): Promise<RouteAnswer>;
  /** Uploads `bytes` to the team's project as `who` (`POST /api/projects/{id}/uploads`); returns its sha256. */
  upload(who: Member, bytes: Buffer, filename?: string): Promise<string>;
  /** Polls `GET /api/jobs/{id}` as `who` until the job is no longer queued or running (at most 60 s). */
  settle(who: Member, jobId: string): Promise<RouteAnswer["body"]>;
  close(): Promise<void>;
}

/**
 * Opens the studio, queue and server, and signs in `members`.
 * @param kind the database to run on.
 * @param members the roles that get a token (others cannot `call`).
 * @param scratchPrefix the scratch folder's name prefix under the system's temporary folder.
 */
export async function openRouteTestStudio(
  kind: DatabaseKind,
  members: readonly Member[],
  scratchPrefix = "cr-route-test-",
): Promise<RouteTestStudio> {
  const t = await openTestStudio(kind);
  const dir = await mkdtemp(join(tmpdir(), scratchPrefix));
  const queue = await InProcessQueue.start(t.studio.db, { blobRoot: join(dir, "blobs") });
  const studio: Studio = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
  const app = await buildServer(studio, { loginPerMinute: 100 });
  const team = await seedTeam(studio);
  const tokens: Partial<Record<Member, string>> = {};
  for (const who of members) {
    const u = await studio.db
      .selectFrom("users")
      .select("email")
      .where("id", "=", team.actors[who].userId)
      .executeTakeFirstOrThrow();
    tokens[who] = (await login(studio, { email: u.email, password: "correct horse battery" }, "token")).token;
  }
  const call = async (who: Member, method: string, url: string, body?: unknown): Promise<RouteAnswer> => {
    if (!tokens[who]) throw new Error(`${who} was not signed in: add it to the members`);
    const r = await app.inject({
      method: method as "GET",
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const json = r.headers["content-type"]?.toString().startsWith("application/json");
    return {
      status: r.statusCode,
      body: json && r.body ? JSON.parse(r.body) : null,
      raw: r.rawPayload,
      headers: r.headers,
    };
  };
  const settle = async (who: Member, jobId: string) => {
    for (let i = 0; i < 2400; i++) {
      const j = await call(who, "GET", `/api/jobs/${jobId}`);
      if (!["queued", "running"].includes(j.body.status)) return j.body;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`job ${jobId} did not finish`);
  };
  const upload = async (who: Member, bytes: Buffer, filename?: string) => {
    const form = uploadForm(bytes, filename);
    const up = await app.inject({
      method: "POST",
      url: `/api/projects/${team.projectId}/uploads`,
      payload: form.payload,
      headers: { ...form.headers, authorization: `Bearer ${tokens[who]}` },
    });
    if (up.statusCode !== 201) throw new Error(`upload as ${who}: ${up.statusCode} ${up.body}`);
    return JSON.parse(up.body).sha256 as string;
  };
  return {
    studio,
    app,
    queue,
    team,
    dir,
    call,
    upload,
    settle,
    async close() {
      await app.close();
      await queue.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Mono 24-bit WAV bytes of `x` (written through the product's own writer, dither seed 1).
 * @param dir where the file is written first.
 * @param name its file name there.
 * @param x the samples, −1…1.
 * @param sampleRate in Hz.
 */
export async function monoWav(
  dir: string,
  name: string,
  x: Float32Array,
  sampleRate = 48000,
): Promise<Buffer> {
  const path = join(dir, name);
  const w = await createAudioWriter(path, { sampleRate, channels: 1, bitDepth: 24, ditherSeed: 1 });
  await w.write([x], x.length);
  await w.close();
  return readFile(path);
}
