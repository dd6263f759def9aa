import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { LoudnessMeter } from "@controlroom/engine/analysis/loudness.ts";
import { ApiError, api, optional } from "../api.ts";
import { LiveMeter } from "../audio/meter.ts";
import { audioBuffer, fakeAudio, sine } from "../testing/fake-audio.ts";
import { project, sessionDoc, sha, song, songSession, take, version } from "../testing/fixtures.ts";
import { act, renderPage, screen, userEvent, waitFor } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { RecordingPage } from "./RecordingPage.tsx";

const RATE = 48000;
const MIC = sine(1000, 0.25, 4, RATE);

function server(session: ReturnType<typeof songSession> | null = null) {
  stub(api, {
    song: async () => song({ tempoBpm: 120 }),
    project: async () => project(["producer"]),
    versions: async () => [version({ id: "v2", number: 2, label: "loud", blobSha256: sha("2") })],
    takes: async () => [take({ id: "t1", part: "drums", blobSha256: sha("a") })],
  });
  stub(optional, {
    session: async () => {
      if (session) return session;
      throw new ApiError(404, "no session", null);
    },
  });
}

async function enable() {
  await userEvent.click(await screen.findByRole("button", { name: "Enable microphone" }));
  await screen.findByRole("button", { name: "Microphone on" });
}

describe("RecordingPage: the input meter", () => {
  beforeEach(() => server());

  it("one meter before and while recording: a 1 kHz sine at −18 dBFS reads −18.0 dBFS, −21.0 LUFS, −18.0 dBTP, and so does the take", async () => {
    const audio = fakeAudio();
    const calls = stub(api, {
      upload: async () => ({ sha256: sha("c"), size: 1, format: "wav" }),
      createTake: async () => take({ id: "t9", part: "lead vocal", number: 1, blobSha256: sha("c") }),
    });
    renderPage(<RecordingPage songId="s1" />, { audio });
    await enable();
    const readout = screen.getByTestId("input-meter");
    assert.equal(
      readout.textContent,
      "Input peak −∞ dBFS · momentary −∞ LUFS · true peak −∞ dBTP · highest −∞ dBTP",
    );
    // BS.1770's calibration: a 1 kHz sine at full scale reads −3.01 LUFS (mono), so at −18 dBFS: −21.0.
    const amp = 10 ** (-18 / 20);
    const steady = "Input peak -18.0 dBFS · momentary -21.0 LUFS · true peak -18.0 dBTP · highest -18.0 dBTP";
    const rec = audio.recorder;
    act(() => rec.play(sine(1000, amp, 1, RATE), 0));
    await waitFor(() => assert.equal(readout.textContent, steady));
    assert.equal(Number(screen.getByLabelText("Input level").getAttribute("value")).toFixed(2), "-18.00");
    // Half a second of silence: every figure of the window falls silent together; the highest is held.
    act(() => rec.play(new Float32Array(RATE / 2), RATE));
    await waitFor(() =>
      assert.equal(
        readout.textContent,
        "Input peak −∞ dBFS · momentary −∞ LUFS · true peak −∞ dBTP · highest -18.0 dBTP",
      ),
    );
    // Recording: the same meter on the same blocks reads the same, and the saved take measures the same.
    await userEvent.clear(screen.getByLabelText(/^Count-in bars/));
    await userEvent.type(screen.getByLabelText(/^Count-in bars/), "0");
    await userEvent.click(screen.getByRole("button", { name: "● Record" }));
    await screen.findByText("Recording…");
    const startFrame = Math.round((rec.schedules[0].at + 0.025) * RATE);
    act(() => rec.play(sine(1000, amp, 2, RATE), startFrame));
    await waitFor(() => assert.equal(readout.textContent, steady));
    await userEvent.click(screen.getByRole("button", { name: "■ Stop" }));
    await screen.findByText("Saved lead vocal take 1: 2.0 s, -21.0 LUFS integrated.");
    assert.equal(calls.upload.length, 1);
  });

  it("the meter's figures are of one window: the engine's meter on a known input", () => {
    const meter = new LiveMeter(RATE, 1);
    meter.push([MIC.subarray(0, RATE)]);
    const r = meter.reading();
    const ref = new LoudnessMeter(RATE, 1);
    ref.process([MIC.subarray(0, RATE)], RATE);
    assert.ok(Math.abs(r.peakDb - 20 * Math.log10(0.25)) < 1e-9);
    assert.ok(r.truePeakDb >= r.peakDb && r.truePeakDb - r.peakDb < 0.05);
    assert.ok(Math.abs(r.momentaryLufs - ref.result().integratedLufs) < 0.1);
  });

  it("says why the microphone could not be opened", async () => {
    const audio = fakeAudio();
    audio.recorder.refuse = "Permission denied";
    renderPage(<RecordingPage songId="s1" />, { audio });
    await userEvent.click(await screen.findByRole("button", { name: "Enable microphone" }));
    await screen.findByText("Microphone: Permission denied");
    assert.equal((screen.getByRole("button", { name: "● Record" }) as HTMLButtonElement).disabled, true);
  });
});

describe("RecordingPage: recording a take", () => {
  it("counts in, records from the count-in's end (latency compensated), uploads and lists the take", async () => {
    server();
    const audio = fakeAudio({ [api.blobUrl(sha("2"))]: audioBuffer([sine(440, 0.1, 4)]) });
    const calls = stub(api, {
      upload: async () => ({ sha256: sha("c"), size: 1, format: "wav" }),
      createTake: async () => take({ id: "t9", part: "lead vocal", number: 1, blobSha256: sha("c") }),
    });
    renderPage(<RecordingPage songId="s1" />, { audio });
    await enable();
    await userEvent.selectOptions(screen.getByLabelText(/^Play along with/), "mix v2 loud");
    await userEvent.click(screen.getByRole("button", { name: "● Record" }));
    await screen.findByText("Count-in: 4 beats at 120 BPM…");
    const rec = audio.recorder;
    const s = rec.schedules[0];
    // Clicks start 150 ms from now; the take and the play-along 4 beats (2 s) later.
    assert.equal(s.clicksFrom, 10.15);
    assert.equal(s.clicks.length, 4);
    assert.equal(s.at, 12.15);
    assert.equal(s.buffers.length, 1);
    // Round trip: the output's 20 ms and the input's reported 5 ms.
    screen.getByText("Round-trip latency compensated: 25.0 ms.");
    const startFrame = Math.round((12.15 + 0.025) * RATE);
    // The microphone: a second of count-in bleed, then the take.
    const bleed = new Float32Array(RATE).fill(0.9);
    const before = startFrame - bleed.length;
    act(() => {
      rec.play(bleed, before);
      rec.play(MIC, startFrame);
    });
    await screen.findByText("Recording…");
    await userEvent.click(screen.getByRole("button", { name: "■ Stop" }));
    const ref = new LoudnessMeter(RATE, 1);
    ref.process([MIC], MIC.length);
    const lufs = ref.result().integratedLufs.toFixed(1);
    await screen.findByText(`Saved lead vocal take 1: 4.0 s, ${lufs} LUFS integrated.`);
    assert.equal(rec.stops, 1);
    // The file: 4 s mono 24-bit, the take's first sample the microphone's first.
    const [projectId, wav, name] = calls.upload[0] as [string, Blob, string];
    assert.deepEqual([projectId, name, wav.size], ["p1", "lead vocal.wav", 44 + MIC.length * 3]);
    const bytes = new DataView(await wav.arrayBuffer());
    const first =
      (bytes.getUint8(44 + 3 * 10) |
        (bytes.getUint8(45 + 3 * 10) << 8) |
        (bytes.getInt8(46 + 3 * 10) << 16)) /
      8388607;
    assert.ok(Math.abs(first - MIC[10]) < 1e-6);
    assert.deepEqual(calls.createTake[0], [
      "s1",
      { part: "lead vocal", performerName: "Pat Producer", blobSha256: sha("c"), notes: "" },
    ]);
  });

  it("records nothing under half a second", async () => {
    server();
    const audio = fakeAudio();
    const calls = stub(api, { upload: async () => assert.fail("must not upload") });
    renderPage(<RecordingPage songId="s1" />, { audio });
    await enable();
    await userEvent.clear(screen.getByLabelText(/^Count-in bars/));
    await userEvent.type(screen.getByLabelText(/^Count-in bars/), "0");
    await userEvent.click(screen.getByRole("button", { name: "● Record" }));
    await screen.findByText("Recording…");
    assert.equal(audio.recorder.schedules[0].clicks.length, 0);
    await userEvent.click(screen.getByRole("button", { name: "■ Stop" }));
    await screen.findByText("Nothing recorded (under half a second).");
    assert.equal(calls.upload.length, 0);
  });

  it("plays the session along and records onto a new session track", async () => {
    server(songSession(2, sessionDoc()));
    const audio = fakeAudio();
    stub(api, {
      upload: async () => ({ sha256: sha("c"), size: 1, format: "wav" }),
      createTake: async () => take({ id: "t9", part: "lead vocal", number: 1, blobSha256: sha("c") }),
    });
    const calls = stub(optional, {
      saveSession: async (_id: string, body: { version: number }) => songSession(body.version + 1),
    });
    renderPage(<RecordingPage songId="s1" />, { audio });
    await enable();
    await userEvent.selectOptions(
      await screen.findByLabelText(/^Play along with/),
      "the mix session (2 tracks)",
    );
    await userEvent.selectOptions(screen.getByLabelText(/^Onto session track/), "a new track “lead vocal”");
    await userEvent.click(screen.getByRole("button", { name: "● Record" }));
    await screen.findByText(/Count-in/);
    const s = audio.recorder.schedules[0];
    assert.deepEqual(
      s.tracks.map((t) => [t.gain, t.clips.length, t.clips[0].length]),
      [
        [1, 1, 4],
        [1, 1, 4],
      ],
    );
    const startFrame = Math.round((s.at + 0.025) * RATE);
    act(() => audio.recorder.play(MIC.subarray(0, 2 * RATE), startFrame));
    await userEvent.click(screen.getByRole("button", { name: "■ Stop" }));
    await screen.findByText(
      /Saved lead vocal take 1: 2\.0 s, .* LUFS integrated\. Added to the mix session \(version 3\)\./,
    );
    const body = calls.saveSession[0][1] as { version: number; session: ReturnType<typeof sessionDoc> };
    assert.equal(body.version, 2);
    const added = body.session.tracks[2];
    assert.deepEqual([added.id, added.name, added.takes[0].clips[0].length], ["lead_vocal", "lead vocal", 2]);
    assert.equal(body.session.audio[added.takes[0].clips[0].audio].sha256, sha("c"));
  });

  it("shows the elapsed time from the take's start, counting in below zero", async () => {
    server();
    const audio = fakeAudio();
    renderPage(<RecordingPage songId="s1" />, { audio });
    await enable();
    await userEvent.click(screen.getByRole("button", { name: "● Record" }));
    const clock = screen.getByLabelText("Recording time");
    await waitFor(() => assert.equal(clock.textContent, "count-in 2.2 s"));
    audio.recorder.now = 13.675;
    await waitFor(() => assert.equal(clock.textContent, "1.5 s"));
  });
});
