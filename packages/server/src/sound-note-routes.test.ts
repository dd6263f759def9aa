/**
 * Sound notes over HTTP: the producer comments on a rendered mix over a range and marks it as a sound note, the
 * job proposes moves against the session, the engineer accepts (a new session version and a render linked to
 * the note) or a bad decision is a 4xx naming the field; who may do what follows the role table; the routes
 * are in the OpenAPI document.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { putSongSession } from "@controlroom/studio/renders/song-session.ts";
import { createSong } from "@controlroom/studio/songs/songs.ts";
import { createVersion } from "@controlroom/studio/versions/mix-versions.ts";
import { monoWav, openRouteTestStudio, type RouteTestStudio } from "./testing/route-test-studio.ts";

const SR = 48000;
const SECONDS = 4;

/** A mono stem as 24-bit WAV bytes: a 220 Hz tone with harmonics and a little noise (so EQ has something). */
function stemWav(dir: string, name: string, f0: number): Promise<Buffer> {
  const x = new Float32Array(SECONDS * SR);
  let seed = 1;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    let v = 0;
    for (let h = 1; h < 30; h++) v += Math.sin((2 * Math.PI * f0 * h * i) / SR) / h;
    x[i] = 0.15 * v + 0.01 * (seed / 0x7fffffff - 0.5);
  }
  return monoWav(dir, name, x, SR);
}

describe("sound-note routes", () => {
  let r: RouteTestStudio;
  let songId: string;
  let versionId: string;
  const call: RouteTestStudio["call"] = (...a) => r.call(...a);

  before(async () => {
    r = await openRouteTestStudio(
      "pglite",
      ["producer", "engineer", "artist", "viewer"],
      "cr-sound-note-api-",
    );
    const s = r.studio;
    const p = r.team.actors.producer;
    songId = (await createSong(s, p, r.team.projectId, { title: "Notes" })).id;
    const shas: string[] = [];
    for (const [name, f] of [
      ["bass.wav", 55],
      ["vocal.wav", 220],
    ] as const) {
      const bytes = await stemWav(r.dir, name, f);
      shas.push(await r.upload("producer", bytes, name));
    }
    const ref = (sha: string, path: string) => ({
      sha256: sha,
      path,
      sampleRate: SR,
      channels: 1,
      frames: SECONDS * SR,
    });
    await putSongSession(s, p, songId, {
      session: {
        version: 2,
        sampleRate: SR,
        audio: { bass: ref(shas[0], "bass.wav"), vocal: ref(shas[1], "vocal.wav") },
        tracks: [
          {
            id: "bass",
            name: "Bass",
            takes: [{ id: "t", clips: [{ audio: "bass", start: 0, length: SECONDS }] }],
          },
          {
            id: "vocal",
            name: "Lead vocal",
            volumeDb: -2,
            takes: [{ id: "t", clips: [{ audio: "vocal", start: 0, length: SECONDS }] }],
          },
        ],
      },
    });
    versionId = (await createVersion(s, p, songId, { kind: "mix", label: "first" })).id;
  });
  after(() => r.close());

  test("mark, propose, refuse bad decisions, accept: a session version and a mix linked to the note", async () => {
    const c = await call("artist", "POST", `/api/versions/${versionId}/comments`, {
      body: "vocal a bit more forward",
      atSeconds: 1,
      endSeconds: 3,
    });
    assert.equal(c.status, 201);
    assert.equal(c.body.soundNote, false);
    assert.equal((await call("viewer", "POST", `/api/comments/${c.body.id}/sound-note`)).status, 403);
    assert.equal((await call("engineer", "POST", `/api/comments/${c.body.id}/sound-note`)).status, 403);
    const marked = await call("artist", "POST", `/api/comments/${c.body.id}/sound-note`);
    assert.equal(marked.status, 202, marked.body?.message);
    assert.equal(marked.body.state, "proposing");
    assert.deepEqual(marked.body.span, { start: 1, end: 3 });
    assert.equal((await call("artist", "POST", `/api/comments/${c.body.id}/sound-note`)).status, 409);
    await r.queue.idle();
    const n = (await call("viewer", "GET", `/api/comments/${c.body.id}/sound-note`)).body;
    assert.equal(n.state, "proposed", n.job?.error);
    assert.equal(n.moves[0].target.id, "vocal");
    assert.equal(n.moves[0].descriptor, "forward");
    assert.ok(n.moves[0].predicted.after > n.moves[0].predicted.before);
    const listed = (await call("viewer", "GET", `/api/versions/${versionId}/sound-notes`)).body;
    assert.deepEqual(
      listed.map((x: { commentId: string }) => x.commentId),
      [c.body.id],
    );
    const comments = (await call("viewer", "GET", `/api/versions/${versionId}/comments`)).body;
    assert.equal(comments[0].soundNote, true);

    const url = `/api/comments/${c.body.id}/sound-note/decision`;
    // The producer alone does not hold the engineer's chair; a rejection needs a reply; bits are checked.
    assert.equal(
      (await call("producer", "POST", url, { decision: "accept", version: n.version })).status,
      403,
    );
    const noReply = await call("engineer", "POST", url, { decision: "reject", version: n.version });
    assert.equal(noReply.status, 400);
    assert.match(noReply.body.message, /^reply: /);
    const badBits = await call("engineer", "POST", url, { decision: "accept", version: n.version, bits: 8 });
    assert.equal(badBits.status, 400);
    assert.match(badBits.body.message, /^bits: /);
    const ok = await call("engineer", "POST", url, { decision: "accept", version: n.version, reply: "Done" });
    assert.equal(ok.status, 200, ok.body?.message);
    assert.equal(ok.body.state, "accepted");
    assert.equal(ok.body.acceptedSessionVersion, 2);
    await r.queue.idle();
    const done = (await call("artist", "GET", `/api/comments/${c.body.id}/sound-note`)).body;
    assert.equal(done.render.status, "done", done.render.error);
    assert.equal(done.doneIn.number, 2);
    const m = done.acceptedMoves[0].measured;
    assert.ok(m && m.after > m.before, JSON.stringify(m));
    const session = (await call("viewer", "GET", `/api/songs/${songId}/session`)).body;
    assert.equal(session.version, 2);
  });

  test("the OpenAPI document lists the sound-note routes", async () => {
    const doc = (await call("viewer", "GET", "/api/openapi.json")).body;
    for (const p of [
      "/api/comments/{commentId}/sound-note",
      "/api/comments/{commentId}/sound-note/decision",
      "/api/versions/{versionId}/sound-notes",
    ])
      assert.ok(doc.paths[p], p);
    assert.ok(doc.components.schemas.SoundNote);
  });
});
