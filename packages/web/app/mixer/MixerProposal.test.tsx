/**
 * A sound note opened in the mixer: the proposal's changes are applied and highlighted on the strips (a new EQ
 * with its curve, the fader move), edits of them go into the moves, the A/B is rendered with the engine and
 * levelled, and accept sends the edited moves (reject needs the reply). Without a proposal, an insert edited on
 * a strip is saved into the session.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { api, optional, soundNotes } from "../api.ts";
import { audioBuffer, fakeAudio, sine } from "../testing/fake-audio.ts";
import { project, sessionDoc, sha, song, songSession } from "../testing/fixtures.ts";
import { fireEvent, renderPage, screen, waitFor, within } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { MixerPage } from "./MixerPage.tsx";

const ROUTES = { session: "/api/songs/{songId}/session", render: "/api/songs/{songId}/render" };
const strip = { kind: "track", id: "bass_2" };
const doc = sessionDoc((d) => {
  Object.assign(d.tracks?.[1] ?? {}, {
    volumeDb: -2,
    inserts: [{ type: "compressor", thresholdDb: -20, ratio: 3 }],
  });
});

function note(o: Record<string, unknown> = {}) {
  return {
    commentId: "c9",
    songId: "s1",
    versionId: "v2",
    note: "bass more air, less push",
    state: "proposed",
    sessionVersion: 3,
    span: { start: 1, end: 3 },
    job: { id: "j1", status: "done", progress: 1, error: null },
    moves: [
      {
        target: { kind: "track", id: "bass_2", name: "bass", trackIds: ["bass_2"] },
        descriptor: "air",
        direction: "more",
        amount: 1,
        changes: [
          {
            op: "add-insert",
            strip,
            index: 1,
            processor: {
              type: "eq",
              bands: [{ kind: "highshelf", freq: 10000, gainDb: 3, q: Math.SQRT1_2 }],
            },
          },
        ],
        changeLines: ["track bass_2: insert eq (highshelf 10000 Hz +3.0 dB)"],
        reason: "air −40.0 dB → −37.0 dB: +3.0 dB shelf above 10 kHz",
        predicted: { feature: "airDb", before: -40, after: -37 },
      },
      {
        target: { kind: "track", id: "bass_2", name: "bass", trackIds: ["bass_2"] },
        descriptor: "forward",
        direction: "less",
        amount: 1,
        changes: [{ op: "set-volume", strip, fromDb: -2, toDb: -4 }],
        changeLines: ["track bass_2: fader -2.0 dB → -4.0 dB"],
        reason: "level in the mix −6.0 dB → −8.0 dB: fader −2.0 dB",
        predicted: { feature: "levelInMixDb", before: -6, after: -8 },
      },
    ],
    notUnderstood: [],
    section: null,
    acceptedMoves: null,
    decidedBy: null,
    decidedAt: null,
    replyId: null,
    acceptedSessionVersion: null,
    render: null,
    doneIn: null,
    version: 1,
    createdAt: "2025-03-01T12:00:00Z",
    ...o,
  };
}

function server(roles = ["mixing_engineer"]) {
  stub(api, { song: async () => song(), project: async () => project(roles), takes: async () => [] });
  stub(optional, { routes: async () => ROUTES, session: async () => songSession(3, doc) });
}

const files = () =>
  fakeAudio({
    [api.blobUrl(sha("a"))]: audioBuffer([sine(100, 0.3, 4)]),
    [api.blobUrl(sha("b"))]: audioBuffer([sine(55, 0.3, 4)]),
  });

describe("MixerPage with a sound note", () => {
  it("highlights the proposal on the strips and accepts it as edited there", async () => {
    server();
    const calls = stub(soundNotes, {
      get: async () => note(),
      decide: async (_id: string, b: Record<string, unknown>) =>
        note({ state: "accepted", acceptedSessionVersion: 4, ...b }),
    });
    renderPage(<MixerPage songId="s1" noteId="c9" />, { audio: files() });
    const panel = await screen.findByRole("region", { name: "Sound note proposal" });
    within(panel).getByText(/bass more air, less push/);
    within(panel).getByText("air −40.0 dB → −37.0 dB: +3.0 dB shelf above 10 kHz");
    const bass = await screen.findByRole("group", { name: "Track bass" });
    assert.match(bass.className, /proposed/);
    within(bass).getByText("Proposed fader: -2.0 → -4.0 dB");
    within(bass).getByLabelText("Fader bass: -4.0 dB");
    // The new EQ is drawn (its curve, the flat one before it dashed) and marked.
    within(bass).getByRole("img", { name: "bass insert 2: eq curve" });
    within(bass).getByText("eq (proposed)");
    assert.equal(within(screen.getByRole("group", { name: "Track drums" })).queryByText(/proposed/), null);

    // The engineer takes a little less air and a smaller fader move.
    fireEvent.change(within(bass).getByLabelText("bass insert 2: eq band 1 gain (dB)"), {
      target: { value: "2" },
    });
    fireEvent.change(within(bass).getByLabelText("Fader bass (dB)"), { target: { value: "-3" } });
    await within(bass).findByText("Proposed fader: -2.0 → -3.0 dB");
    // Saving the session is not offered while the note is open: accepting is how it is saved.
    assert.equal(
      screen.queryByRole("button", { name: "Save session" })?.hasAttribute("disabled") ?? true,
      true,
    );

    fireEvent.click(within(panel).getByRole("button", { name: "Accept and render the mix" }));
    await screen.findAllByText(/Accepted: session v4 saved/);
    const [id, body] = calls.decide[0] as [
      string,
      { decision: string; version: number; moves: { changes: Record<string, unknown>[] }[] },
    ];
    assert.equal(id, "c9");
    assert.equal(body.decision, "accept");
    assert.equal(body.version, 1);
    const eq = body.moves[0].changes[0] as { processor: { bands: { gainDb: number }[] } };
    assert.equal(eq.processor.bands[0].gainDb, 2);
    assert.equal(body.moves[1].changes[0].toDb, -3);
    assert.equal("changeLines" in body.moves[0], false);
  });

  it("shows a proposal on the master among the buses and master, with its EQ curve", async () => {
    server();
    const darker = {
      ...note().moves[0],
      target: { kind: "mix", id: "mix", name: "the mix", trackIds: ["drums_1", "bass_2"] },
      descriptor: "dark",
      changes: [
        {
          op: "add-insert",
          strip: { kind: "master", id: "master" },
          index: 0,
          processor: { type: "eq", bands: [{ kind: "highshelf", freq: 6000, gainDb: -2 }] },
        },
      ],
      changeLines: ["master: insert eq (highshelf 6000 Hz -2.0 dB)"],
    };
    stub(soundNotes, { get: async () => note({ moves: [darker] }) });
    renderPage(<MixerPage songId="s1" noteId="c9" />, { audio: files() });
    const master = await screen.findByRole("group", { name: "Master" });
    assert.match(master.className, /proposed/);
    within(master).getByRole("img", { name: "master insert 1: eq curve" });
    within(master).getByText("eq (proposed)");
    const bass = await screen.findByRole("group", { name: "Track bass" });
    assert.doesNotMatch(bass.className, /proposed/);
  });

  it("renders the A/B of the span with the engine, levelled, and switches sides", async () => {
    server();
    stub(soundNotes, { get: async () => note() });
    const audio = files();
    renderPage(<MixerPage songId="s1" noteId="c9" />, { audio });
    const panel = await screen.findByRole("region", { name: "Sound note proposal" });
    fireEvent.click(within(panel).getByRole("button", { name: "Render A/B (engine, in the browser)" }));
    const loud = await within(panel).findByLabelText("A/B loudness", {}, { timeout: 20000 });
    // The proposal turns the bass down 2 dB: B is quieter, so A is turned down to meet it.
    const m =
      /A (-?[\d.]+) LUFS, B (-?[\d.]+) LUFS — played levelled \(A ([-+]?[\d.]+) dB, B ([-+]?[\d.]+) dB\)/.exec(
        loud.textContent ?? "",
      );
    assert.ok(m, loud.textContent ?? "");
    const [a, b, ga, gb] = m.slice(1).map(Number);
    assert.ok(b < a, `${a} ${b}`);
    assert.ok(Math.abs(a + ga - (b + gb)) < 0.11);
    assert.equal(gb, 0);
    const player = audio.players[audio.players.length - 1];
    assert.equal(player.sides[1]?.gainDb, gb === 0 ? 0 : gb);
    fireEvent.click(within(panel).getByRole("button", { name: "A: as it is" }));
    assert.equal(player.active, 0);
  });

  it("rejecting sends the reply; the server's refusal is shown", async () => {
    server();
    const { ApiError } = await import("../api.ts");
    const calls = stub(soundNotes, {
      get: async () => note(),
      decide: async (_id: string, b: { reply?: string }) => {
        if (!b.reply) throw new ApiError(400, "reply: say why (the producer reads it under the note)", null);
        return note({ state: "rejected" });
      },
    });
    renderPage(<MixerPage songId="s1" noteId="c9" />, { audio: files() });
    const panel = await screen.findByRole("region", { name: "Sound note proposal" });
    fireEvent.click(within(panel).getByRole("button", { name: "Reject with this reply" }));
    await within(panel).findByText(/^reply: say why/);
    fireEvent.change(within(panel).getByLabelText("Reply to the note"), {
      target: { value: "The bass is fine" },
    });
    fireEvent.click(within(panel).getByRole("button", { name: "Reject with this reply" }));
    await screen.findAllByText("Rejected: your reply is under the note.");
    assert.deepEqual(calls.decide[1][1], { decision: "reject", version: 1, reply: "The bass is fine" });
  });
});

describe("MixerPage: editing engine inserts", () => {
  it("plays the strips' engine inserts live, applies edits while playing, and shows the compressor's gain reduction", async () => {
    server(["engineer"]);
    const audio = files();
    renderPage(<MixerPage songId="s1" />, { audio });
    fireEvent.click(await screen.findByRole("button", { name: "▶ Play mix" }));
    await screen.findByRole("button", { name: "■ Stop" });
    const mix = audio.mixes[audio.mixes.length - 1];
    assert.deepEqual(mix.applied[0][1].inserts, [{ type: "compressor", thresholdDb: -20, ratio: 3 }]);
    assert.deepEqual(mix.applied[0][0].inserts, []);
    const bass = screen.getByRole("group", { name: "Track bass" });
    fireEvent.change(within(bass).getByLabelText("bass insert 1: compressor ratio"), {
      target: { value: "6" },
    });
    await waitFor(() => assert.equal(mix.applied.at(-1)?.[1].inserts?.[0].ratio, 6));
    mix.meters.inserts?.(1, [5.25]);
    await within(bass).findByText("bass insert 1: compressor gain reduction: 5.3 dB");
  });

  it("edits a compressor and a send on the strip and saves them into the session", async () => {
    server(["engineer"]);
    const calls = stub(optional, {
      saveSession: async (_id: string, body: { version: number; session: ReturnType<typeof sessionDoc> }) =>
        songSession(body.version + 1, body.session),
    });
    renderPage(<MixerPage songId="s1" />, { audio: files() });
    const bass = await screen.findByRole("group", { name: "Track bass" });
    fireEvent.change(within(bass).getByLabelText("bass insert 1: compressor threshold (dB)"), {
      target: { value: "-26" },
    });
    fireEvent.change(within(bass).getByLabelText("bass insert 1: compressor attack (ms)"), {
      target: { value: "3" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Save session" }));
    await waitFor(() => assert.equal(calls.saveSession.length, 1));
    const saved = (calls.saveSession[0][1] as { session: ReturnType<typeof sessionDoc> }).session;
    assert.deepEqual(saved.tracks[1].inserts[0], {
      type: "compressor",
      thresholdDb: -26,
      ratio: 3,
      attackMs: 3,
    });
  });
});
