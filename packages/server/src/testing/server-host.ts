/**
 * The studio server as a process of its own, for the kill tests (kill.test.ts): the embedded database and
 * blob store in a data folder, the HTTP API on 127.0.0.1. `node --import tsx server-host.ts <data> serve`
 * seeds a team, a song and a saved session on first use (ids and an engineer's bearer token in
 * `<data>/fixture.json`), prints `check <json>` — what the last run (perhaps killed) left: the blob store
 * against the `blobs` table before and after the sweep of a crash's leftovers, the song's session, how many
 * saves the audit log holds, the blob rows — and then `port <n>` once listening.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openSession } from "@controlroom/studio/accounts/accounts.ts";
import { checkBlobStore, sweepBlobStore } from "@controlroom/studio/blobs/blob-sweep.ts";
import { uploadAudio } from "@controlroom/studio/blobs/uploads.ts";
import { openStudio } from "@controlroom/studio/open-studio.ts";
import { putSongSession } from "@controlroom/studio/renders/song-session.ts";
import { createSong } from "@controlroom/studio/songs/songs.ts";
import { seedTeam } from "@controlroom/studio/testing/test-studio.ts";
import { buildServer } from "../app.ts";
import { pcm16MonoWav } from "./pcm-wav.ts";

/** What the tests work on. */
export interface ServerFixture {
  token: string;
  projectId: string;
  songId: string;
  /** The uploaded file the session plays. */
  sha256: string;
}

/** A one-second 1 kHz mono 16-bit WAV at 48 kHz. */
export function toneWav(): Buffer {
  return pcm16MonoWav(48000, 48000, (i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 48000)));
}

/** The session saved as its `n`-th save: track gain −n/100 dB marks which save it is. */
export function sessionNumbered(sha256: string, n: number) {
  return {
    version: 2,
    sampleRate: 48000,
    audio: { tone: { sha256, path: "tone.wav", sampleRate: 48000, channels: 1, frames: 48000 } },
    tracks: [
      {
        id: "tone",
        volumeDb: -n / 100,
        takes: [{ id: "t", clips: [{ audio: "tone", start: 0, length: 1 }] }],
      },
    ],
  };
}

async function main() {
  const [data, mode] = process.argv.slice(2);
  const studio = await openStudio({ dataDir: data, queue: "none" });
  const fixtureFile = `${data}/fixture.json`;
  if (mode !== "serve") {
    console.error(`server-host: mode ${mode}: expected serve`);
    process.exit(2);
  }
  let fx: ServerFixture;
  try {
    fx = JSON.parse(readFileSync(fixtureFile, "utf8"));
  } catch {
    const team = await seedTeam(studio);
    const { engineer, producer } = team.actors;
    const blob = await uploadAudio(
      studio,
      engineer,
      team.projectId,
      (async function* () {
        yield toneWav();
      })(),
    );
    const song = await createSong(studio, producer, team.projectId, { title: "Kill test" });
    await putSongSession(studio, engineer, song.id, { version: 0, session: sessionNumbered(blob.sha256, 1) });
    const { token } = await openSession(studio, engineer.userId, "token");
    fx = { token, projectId: team.projectId, songId: song.id, sha256: blob.sha256 };
    writeFileSync(fixtureFile, JSON.stringify(fx));
  }
  // What the last run (perhaps killed) left, before and after the sweep.
  const before = await checkBlobStore(studio, true);
  const swept = await sweepBlobStore(studio, { graceMs: 0, now: Date.now() + 1000 });
  const after = await checkBlobStore(studio, true);
  const session = await studio.db
    .selectFrom("song_sessions")
    .select(["version", "document"])
    .where("song_id", "=", fx.songId)
    .executeTakeFirstOrThrow();
  const saves = await studio.db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("action", "=", "session.save")
    .executeTakeFirstOrThrow();
  const blobs = await studio.db.selectFrom("blobs").select(["sha256", "size"]).execute();
  process.stdout.write(
    `check ${JSON.stringify({ before, swept, after, session, sessionSaves: Number(saves.n), blobs })}\n`,
  );
  const app = await buildServer(studio);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  process.stdout.write(`port ${typeof address === "object" && address ? address.port : 0}\n`);
}

// Run only as a program (the tests import the helpers above).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
