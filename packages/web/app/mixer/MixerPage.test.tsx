import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { api, optional } from "../api.ts";
import { audibility } from "../audio/mix-graph.ts";
import { encodeWav } from "../audio/wav.ts";
import { audioBuffer, fakeAudio, sine } from "../testing/fake-audio.ts";
import { doneJob, project, sessionDoc, sha, song, songSession, take } from "../testing/fixtures.ts";
import { act, fireEvent, renderPage, screen, waitFor, within } from "../testing/render.tsx";
import { deferred, stub } from "../testing/stub.ts";
import { MixerPage } from "./MixerPage.tsx";

const ROUTES = { session: "/api/songs/{songId}/session", render: "/api/songs/{songId}/render" };
const TAKES = [
  take({ id: "t-drums", part: "drums", blobSha256: sha("a") }),
  take({ id: "t-bass", part: "bass", blobSha256: sha("b") }),
  take({ id: "t-redo", part: "vocal", decision: "redo", blobSha256: sha("c") }),
];
const reading = (peakDb: number, momentaryLufs: number) => ({
  peakDb,
  momentaryLufs,
  truePeakDb: peakDb + 0.1,
  truePeakMaxDb: peakDb + 0.1,
  integratedLufs: momentaryLufs,
});

/** The server: a song with two stems and a redo, optionally a mix session. */
function server(session: ReturnType<typeof songSession> | null, roles = ["producer"]) {
  stub(api, {
    song: async () => song(),
    project: async () => project(roles),
    takes: async () => TAKES,
  });
  return stub(optional, {
    routes: async () => ROUTES,
    session: async () => {
      if (session) return session;
      throw Object.assign(new (await import("../api.ts")).ApiError(404, "no session", null));
    },
  });
}

async function playMix(audio: ReturnType<typeof fakeAudio>) {
  fireEvent.click(await screen.findByRole("button", { name: "▶ Play mix" }));
  await screen.findByRole("button", { name: "■ Stop" });
  return audio.mixes[audio.mixes.length - 1];
}

describe("MixerPage without a mix session", () => {
  beforeEach(() => server(null));

  it("makes a strip of every take with audio but the redo, and decodes each file once", async () => {
    const audio = fakeAudio();
    renderPage(<MixerPage songId="s1" />, { audio });
    await screen.findByRole("group", { name: "Track drums" });
    screen.getByRole("group", { name: "Track bass" });
    assert.equal(screen.queryByRole("group", { name: "Track vocal" }), null);
    screen.getByText(/No mix session yet/);
    assert.deepEqual(audio.decoded.sort(), [api.blobUrl(sha("a")), api.blobUrl(sha("b"))].sort());
  });

  it("plays the mix and applies fader, mute and solo while it plays", async () => {
    const audio = fakeAudio();
    renderPage(<MixerPage songId="s1" />, { audio });
    const mix = await playMix(audio);
    assert.equal(mix.audio.length, 2);
    fireEvent.change(screen.getByLabelText("Fader drums (dB)"), { target: { value: "-6" } });
    await waitFor(() => assert.equal(mix.applied.at(-1)?.[0].gainDb, -6));
    fireEvent.click(screen.getByRole("button", { name: "Solo bass" }));
    await waitFor(() => assert.deepEqual(audibility(mix.applied.at(-1) ?? []), [false, true]));
    fireEvent.click(screen.getByRole("button", { name: "Mute bass" }));
    await waitFor(() => assert.deepEqual(audibility(mix.applied.at(-1) ?? []), [false, false]));
    fireEvent.click(screen.getByRole("button", { name: "Solo bass" }));
    await waitFor(() => assert.deepEqual(audibility(mix.applied.at(-1) ?? []), [true, false]));
    // The drums fader is still where it was put.
    assert.equal(mix.applied.at(-1)?.[0].gainDb, -6);
  });

  it("shows what the meters read while playing, and stops at the end of the mix", async () => {
    const audio = fakeAudio();
    renderPage(<MixerPage songId="s1" />, { audio });
    const mix = await playMix(audio);
    screen.getByText("Master: peak −∞ dBFS · true peak −∞ dBTP · momentary −∞ LUFS");
    mix.meters.track(0, reading(-23.0103, -26.04));
    mix.meters.master(reading(-20.02, -23.1));
    const drums = screen.getByRole("group", { name: "Track drums" });
    await within(drums).findByText("-23.0 dBFS · -26.0 LUFS");
    within(screen.getByRole("group", { name: "Track bass" })).getByText("−∞ dBFS · −∞ LUFS");
    screen.getByText("Master: peak -20.0 dBFS · true peak -19.9 dBTP · momentary -23.1 LUFS");
    act(() => mix.end());
    await screen.findByRole("button", { name: "▶ Play mix" });
    assert.equal(mix.stopped, true);
  });

  it("stops when asked", async () => {
    const audio = fakeAudio();
    renderPage(<MixerPage songId="s1" />, { audio });
    const mix = await playMix(audio);
    fireEvent.click(screen.getByRole("button", { name: "■ Stop" }));
    await screen.findByRole("button", { name: "▶ Play mix" });
    assert.equal(mix.stopped, true);
  });

  it("renders in the browser with progress, then offers the WAV and adds it as a mix", async () => {
    const audio = fakeAudio();
    const calls = stub(api, {
      upload: async () => ({ sha256: sha("e"), size: 10, format: "wav" }),
      createVersion: async () => ({ number: 3 }),
    });
    renderPage(<MixerPage songId="s1" />, { audio });
    fireEvent.change(await screen.findByLabelText("Fader bass (dB)"), { target: { value: "-3" } });
    const button = screen.getByRole("button", { name: "Render mix" });
    fireEvent.click(button);
    await screen.findByText("Rendering… 0%");
    assert.equal((button as HTMLButtonElement).disabled, true);
    const r = audio.renders[0];
    assert.equal(r.params[1].gainDb, -3);
    act(() => r.progress(0.45));
    await screen.findByText("Rendering… 45%");
    assert.equal((screen.getByLabelText("Render progress") as HTMLProgressElement).value, 0.45);
    await act(async () => r.finish(audioBuffer([sine(440, 0.1, 4), sine(440, 0.1, 4)])));
    await screen.findByText("Render complete: 4.0 s stereo, 24-bit WAV.");
    assert.equal((button as HTMLButtonElement).disabled, false);
    const link = screen.getByRole("link", { name: "Download render (WAV)" });
    assert.equal(link.getAttribute("download"), "City Hums mix.wav");
    fireEvent.click(screen.getByRole("button", { name: "Add to versions as a mix" }));
    await screen.findAllByText("Added mix v3 to the version stack.");
    // A 4 s stereo 24-bit WAV: 44 header bytes + 4 · 48000 · 2 · 3.
    const blob = calls.upload[0][1] as Blob;
    assert.equal(blob.size, 44 + 4 * 48000 * 2 * 3);
    assert.deepEqual(calls.createVersion[0], [
      "s1",
      { kind: "mix", label: "mixer render", blobSha256: sha("e") },
    ]);
  });

  it("shows a failed render and lets it run again", async () => {
    const audio = fakeAudio();
    renderPage(<MixerPage songId="s1" />, { audio });
    fireEvent.click(await screen.findByRole("button", { name: "Render mix" }));
    await act(async () => audio.renders[0].fail(new Error("out of memory")));
    await screen.findByText("out of memory");
    assert.equal(screen.queryByLabelText("Render progress"), null);
  });

  it("creates the mix session from the stems' WAV headers", async () => {
    const calls = stub(optional, {
      saveSession: async () => songSession(1, sessionDoc()),
    });
    const wav = (seconds: number) => encodeWav([sine(100, 0.1, seconds)], 48000, 24).arrayBuffer();
    const files: Record<string, ArrayBuffer> = {
      [api.blobUrl(sha("a"))]: await wav(4),
      [api.blobUrl(sha("b"))]: await wav(2),
    };
    stub(globalThis, { fetch: async (url: string) => new Response(files[url]) });
    renderPage(<MixerPage songId="s1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Create the mix session from 2 tracks" }));
    // The note shows in the session's card (and, today, again under the browser render).
    await within(screen.getByRole("region", { name: "Mix session" })).findByText(
      "Created the mix session with 2 tracks.",
    );
    const [songId, body] = calls.saveSession[0] as [
      string,
      { version: number; session: ReturnType<typeof sessionDoc> },
    ];
    assert.equal(songId, "s1");
    assert.equal(body.version, 0);
    assert.deepEqual(
      body.session.tracks.map((t) => [t.name, t.takes[0].clips[0].length]),
      [
        ["drums", 4],
        ["bass", 2],
      ],
    );
    assert.equal(body.session.audio.drums_1.frames, 4 * 48000);
    assert.deepEqual(body.session.tempo, [{ bar: 1, beat: 1, bpm: 120 }]);
    await screen.findByText(/The song's mix session, version 1/);
  });

  it("keeps the session it created when the first load of the session answers late", async () => {
    // The Create button shows while the song's session is still being asked for; "none yet" arriving after the
    // new session was saved must not hide it again.
    const late = deferred<never>();
    stub(optional, {
      session: () => late.promise,
      saveSession: async () => songSession(1, sessionDoc()),
    });
    const wav = encodeWav([sine(100, 0.1, 1)], 48000, 24).arrayBuffer();
    stub(globalThis, { fetch: async () => new Response(await wav) });
    renderPage(<MixerPage songId="s1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Create the mix session from 2 tracks" }));
    await screen.findByText(/The song's mix session, version 1/);
    await act(async () => {
      late.reject(new (await import("../api.ts")).ApiError(404, "no session", null));
      await late.promise.catch(() => {});
    });
    screen.getByText(/The song's mix session, version 1/);
    assert.equal(screen.queryByText(/No mix session yet/), null);
  });

  it("refuses to make a session of files it cannot read the header of", async () => {
    stub(optional, { saveSession: async () => assert.fail("must not save") });
    stub(globalThis, { fetch: async () => new Response(new Uint8Array(100)) });
    renderPage(<MixerPage songId="s1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Create the mix session from 2 tracks" }));
    await screen.findByText("drums: only WAV and FLAC files can go into a session from here");
  });
});

describe("MixerPage with the song's mix session", () => {
  it("makes the strips from the session's tracks at their settings, with their engine inserts", async () => {
    const doc = sessionDoc((d) => {
      Object.assign(d.tracks?.[0] ?? {}, { volumeDb: -4.5, mute: true, inserts: [{ type: "eq" }] });
    });
    server(songSession(7, doc));
    renderPage(<MixerPage songId="s1" />);
    const drums = await screen.findByRole("group", { name: "Track drums" });
    within(drums).getByLabelText("Fader drums: -4.5 dB");
    assert.equal(
      within(drums).getByRole("button", { name: "Mute drums" }).getAttribute("aria-pressed"),
      "true",
    );
    // The engine insert is shown and editable: the EQ with its curve.
    within(drums).getByRole("img", { name: "drums insert 1: eq curve" });
    screen.getByText(
      /^The song's mix session, version 7 \(saved \S.*\S\): rendered on the server exactly as stored\.$/,
    );
    // No stems to add, no session to create: it exists.
    assert.equal(screen.queryByLabelText("Stem files"), null);
    assert.equal(screen.queryByRole("button", { name: /Create the mix session/ }), null);
  });

  it("saves the faders into the session it was based on", async () => {
    server(songSession(1));
    const calls = stub(optional, {
      saveSession: async (_id: string, body: { version: number; session: ReturnType<typeof sessionDoc> }) =>
        songSession(body.version + 1, body.session),
    });
    renderPage(<MixerPage songId="s1" />);
    fireEvent.change(await screen.findByLabelText("Fader drums (dB)"), { target: { value: "-6" } });
    fireEvent.click(screen.getByRole("button", { name: "Solo bass" }));
    fireEvent.click(screen.getByRole("button", { name: "Save session" }));
    await within(screen.getByRole("region", { name: "Mix session" })).findByText("Saved session version 2.");
    const body = calls.saveSession[0][1] as { version: number; session: ReturnType<typeof sessionDoc> };
    assert.equal(body.version, 1);
    assert.deepEqual(
      body.session.tracks.map((t) => [t.name, t.volumeDb, t.solo]),
      [
        ["drums", -6, false],
        ["bass", 0, true],
      ],
    );
  });

  it("saves, then renders on the server with the job's progress, and plays what it rendered", async () => {
    server(songSession(1));
    const job = deferred<unknown>();
    const calls = stub(optional, {
      saveSession: async (_id: string, body: { version: number; session: ReturnType<typeof sessionDoc> }) =>
        songSession(body.version + 1, body.session),
      render: async () => doneJob(null, { status: "running", progress: 0.4 }),
    });
    stub(api, { job: () => job.promise });
    renderPage(<MixerPage songId="s1" />);
    fireEvent.change(await screen.findByLabelText("Fader drums (dB)"), { target: { value: "-6" } });
    const button = screen.getByRole("button", { name: "Render on the server" });
    fireEvent.click(button);
    await screen.findByText("Rendering on the server… 40%");
    assert.equal((button as HTMLButtonElement).disabled, true);
    assert.deepEqual(calls.render[0], ["s1", { sessionVersion: 2 }]);
    assert.equal(
      (calls.saveSession[0][1] as { session: ReturnType<typeof sessionDoc> }).session.tracks[0].volumeDb,
      -6,
    );
    job.resolve(
      doneJob({ versionId: "v9", integratedLufs: -20.04, truePeakDbtp: -3.01, mix: { sha256: sha("f") } }),
    );
    // Said once, on the session's card.
    const said = await screen.findAllByText("Render finished: the mix is in the version stack.");
    assert.equal(said.length, 1);
    within(screen.getByRole("region", { name: "Mix session" })).getByText(/^Render finished/);
    assert.equal(screen.queryByText(/Rendering on the server/), null);
    const link = screen.getByRole("link", { name: "Download the server render" });
    assert.equal(link.getAttribute("href"), api.blobUrl(sha("f")));
    screen.getByText("-20.0 LUFS · true peak -3.0 dBTP");
    // A browser render afterwards adds nothing to the versions: nothing says it did.
    fireEvent.click(screen.getByRole("button", { name: "Render mix" }));
    await screen.findByText("Rendering… 0%");
    assert.equal(screen.queryByText(/version stack/), null);
  });

  it("shows why a server render failed", async () => {
    server(songSession(1));
    stub(optional, {
      saveSession: async () => songSession(2),
      render: async () => doneJob(null, { status: "failed", error: "render: the drums file is missing" }),
    });
    renderPage(<MixerPage songId="s1" />);
    fireEvent.click(await screen.findByRole("button", { name: "Render on the server" }));
    await screen.findByText("render: the drums file is missing");
    assert.equal(screen.queryByText(/Render finished/), null);
  });

  it("offers neither save nor render to a viewer", async () => {
    server(songSession(1), ["viewer"]);
    renderPage(<MixerPage songId="s1" />);
    await screen.findByRole("group", { name: "Track drums" });
    assert.equal(screen.queryByRole("button", { name: "Save session" }), null);
    assert.equal(screen.queryByRole("button", { name: "Render on the server" }), null);
    assert.equal(screen.queryByRole("button", { name: "Add to versions as a mix" }), null);
  });
});
