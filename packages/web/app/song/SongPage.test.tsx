import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { api, optional } from "../api.ts";
import { audioBuffer, type FakeAudio, fakeAudio, sine } from "../testing/fake-audio.ts";
import { comment, project, sha, song, version } from "../testing/fixtures.ts";
import { act, fireEvent, renderPage, screen, userEvent, waitFor, within } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { SongPage } from "./SongPage.tsx";

// Two 6 s mixes 6.02 dB apart; the server measured both.
const V1 = version({
  id: "v1",
  number: 1,
  label: "quiet",
  blobSha256: sha("1"),
  matchGainDb: 0,
  createdAt: "2025-03-01T10:00:00Z",
});
const V2 = version({
  id: "v2",
  number: 2,
  label: "loud",
  blobSha256: sha("2"),
  matchGainDb: -6.02,
  createdAt: "2025-03-02T10:00:00Z",
});
const six = (amp: number) => audioBuffer([sine(440, amp, 6), sine(440, amp, 6)]);

function server(roles = ["producer"], comments: unknown[] = []) {
  stub(api, {
    song: async () => song(),
    project: async () => project(roles),
    versions: async () => [V1, V2],
    arrangement: async () => [],
    team: async () => [],
    takes: async () => [],
    tasks: async () => [],
    credits: async () => [],
    delivery: async () => ({ items: [], complete: false }),
    comments: async () => comments,
    approvals: async () => [],
    peaks: async () => null,
  });
  stub(optional, { routes: async () => ({}) });
}

function audio(): FakeAudio {
  return fakeAudio({ [api.blobUrl(sha("1"))]: six(0.1), [api.blobUrl(sha("2"))]: six(0.2) }, true);
}

async function ready() {
  const play = await screen.findByRole("button", { name: "Play" });
  await waitFor(() => assert.equal((play as HTMLButtonElement).disabled, false));
  return play;
}

/** The waveform as laid out 600 px wide at x = 0, clicked `fraction` of the way along. */
function clickWaveform(fraction: number, shiftKey = false) {
  const wave = screen.getByTestId("waveform");
  wave.getBoundingClientRect = () => ({
    left: 0,
    top: 0,
    width: 600,
    height: 120,
    right: 600,
    bottom: 120,
    x: 0,
    y: 0,
    toJSON() {},
  });
  fireEvent.click(wave, { clientX: 600 * fraction, shiftKey });
}

describe("SongPage: the player", () => {
  beforeEach(() => server());

  it("opens the newest version, decoded, at the server's match gain", async () => {
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    screen.getByRole("heading", { name: "mix v2 — loud" });
    screen.getByRole("button", { name: "Playing mix v2" });
    screen.getByText("0:00.0 / 0:06.0");
    const [a, b] = fake.players[0].sides;
    assert.equal(a?.gainDb, -6.02);
    assert.equal(b, null);
  });

  it("plays and pauses with the button and the space bar", async () => {
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await userEvent.click(await ready());
    assert.equal(fake.players[0].playing, true);
    screen.getByRole("button", { name: "Pause" });
    await userEvent.keyboard(" ");
    assert.equal(fake.players[0].playing, false);
    screen.getByRole("button", { name: "Play" });
  });

  it("comments at the moment clicked on the waveform", async () => {
    const calls = stub(api, { addComment: async () => comment() });
    renderPage(<SongPage songId="s1" />, { audio: audio() });
    await ready();
    clickWaveform(0.5);
    const box = await screen.findByLabelText("Comment at 0:03.0");
    await userEvent.type(box, "Vocal too loud here");
    await userEvent.click(screen.getByRole("button", { name: "Add comment" }));
    await waitFor(() => assert.equal(calls.addComment.length, 1));
    assert.deepEqual(calls.addComment[0], [
      "v2",
      { body: "Vocal too loud here", atSeconds: 3, endSeconds: null },
    ]);
    await waitFor(() => assert.equal(screen.queryByLabelText(/^Comment at/), null));
  });

  it("comments over a range: click, then shift-click further on", async () => {
    const calls = stub(api, { addComment: async () => comment() });
    renderPage(<SongPage songId="s1" />, { audio: audio() });
    await ready();
    clickWaveform(0.25);
    clickWaveform(0.4, true);
    await userEvent.type(await screen.findByLabelText("Comment at 0:01.5–0:02.4"), "Bass note sharp");
    await userEvent.click(screen.getByRole("button", { name: "Add comment" }));
    await waitFor(() => assert.equal(calls.addComment.length, 1));
    assert.deepEqual(calls.addComment[0], [
      "v2",
      { body: "Bass note sharp", atSeconds: 1.5, endSeconds: 2.4 },
    ]);
  });

  it("a shift-click after the comment box closed makes a range from the playhead; clicks keep working", async () => {
    const calls = stub(api, { addComment: async () => comment() });
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    clickWaveform(0.25);
    await userEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    clickWaveform(0.4, true);
    await screen.findByLabelText("Comment at 0:01.5–0:02.4");
    // The waveform still answers every click: a plain click moves the comment and the playhead.
    clickWaveform(0.7);
    await screen.findByLabelText("Comment at 0:04.2");
    assert.ok(Math.abs(fake.players[0].time - 4.2) < 1e-9);
    clickWaveform(0.9, true);
    const box = await screen.findByLabelText("Comment at 0:04.2–0:05.4");
    await userEvent.type(box, "Fade too early");
    await userEvent.click(screen.getByRole("button", { name: "Add comment" }));
    await waitFor(() => assert.equal(calls.addComment.length, 1));
    assert.deepEqual(calls.addComment[0], [
      "v2",
      { body: "Fade too early", atSeconds: 4.2, endSeconds: 5.4 },
    ]);
  });

  it("pointing at the waveform selects no text and leaves the comment box focused", async () => {
    renderPage(<SongPage songId="s1" />, { audio: audio() });
    await ready();
    clickWaveform(0.25);
    const box = await screen.findByLabelText("Comment at 0:01.5");
    await waitFor(() => assert.equal(document.activeElement, box));
    const down = new MouseEvent("mousedown", { bubbles: true, cancelable: true, shiftKey: true });
    screen.getByTestId("waveform").dispatchEvent(down);
    assert.equal(down.defaultPrevented, true);
  });

  it("keys typed after the comment box lost focus go into the comment, not to the shortcuts", async () => {
    const calls = stub(api, { addComment: async () => comment() });
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    clickWaveform(0.5);
    const box = (await screen.findByLabelText("Comment at 0:03.0")) as HTMLTextAreaElement;
    await waitFor(() => assert.equal(document.activeElement, box));
    await userEvent.type(box, "Chorus vocal harsh 4");
    act(() => box.blur());
    assert.equal(document.activeElement, document.body);
    // Space would play and c would open a new comment at the playhead: here they are text.
    await userEvent.keyboard("k through here");
    assert.equal(box.value, "Chorus vocal harsh 4k through here");
    assert.equal(fake.players[0].playing, false);
    screen.getByLabelText("Comment at 0:03.0");
    await userEvent.click(screen.getByRole("button", { name: "Add comment" }));
    await waitFor(() => assert.equal(calls.addComment.length, 1));
    assert.deepEqual(calls.addComment[0], [
      "v2",
      { body: "Chorus vocal harsh 4k through here", atSeconds: 3, endSeconds: null },
    ]);
  });

  it("no shortcut fires just after a text field had focus, until the user points at the page", async () => {
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    const label = screen.getByLabelText("Label", { exact: true }) as HTMLInputElement;
    await userEvent.type(label, "vocal up");
    act(() => label.blur());
    await userEvent.keyboard(" c");
    assert.equal(fake.players[0].playing, false);
    assert.equal(screen.queryByLabelText(/^Comment at/), null);
    assert.equal(label.value, "vocal up");
    await userEvent.click(screen.getByRole("heading", { level: 1 }));
    await userEvent.keyboard(" ");
    assert.equal(fake.players[0].playing, true);
  });

  it("moves the playhead with the arrows and comments at it with c", async () => {
    const calls = stub(api, { addComment: async () => comment() });
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    await userEvent.keyboard("{ArrowRight}{ArrowRight}{ArrowLeft}");
    assert.equal(fake.players[0].time, 5);
    await userEvent.keyboard("{Shift>}{ArrowLeft}{/Shift}");
    assert.equal(fake.players[0].time, 4);
    await userEvent.keyboard("c");
    const box = await screen.findByLabelText("Comment at 0:04.0");
    await waitFor(() => assert.equal(document.activeElement, box));
    // Typing in the box is typing: no shortcut fires.
    await userEvent.type(box, "clap 4k harsh");
    assert.equal((box as HTMLTextAreaElement).value, "clap 4k harsh");
    assert.equal(fake.players[0].playing, false);
    assert.equal(fake.players[0].time, 4);
    await userEvent.click(screen.getByRole("button", { name: "Add comment" }));
    await waitFor(() => assert.equal(calls.addComment.length, 1));
    assert.deepEqual(calls.addComment[0], ["v2", { body: "clap 4k harsh", atSeconds: 4, endSeconds: null }]);
  });

  it("plays from a comment's pin", async () => {
    server(["producer"], [comment({ id: "c1", atSeconds: 3, body: "Vocal too loud here" })]);
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    await userEvent.click(
      within(screen.getByLabelText("Comments on the waveform")).getByRole("button", {
        name: "Comment at 0:03.0: Vocal too loud here",
      }),
    );
    assert.deepEqual([fake.players[0].playing, fake.players[0].time], [true, 3]);
    screen.getByRole("button", { name: "Pause" });
  });

  it("compares A/B at the same playhead, loudness-matched, switching the heard side", async () => {
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    await userEvent.click(screen.getByLabelText("B: mix v1"));
    const status = await screen.findByTestId("ab-status");
    await waitFor(() =>
      assert.match(status.textContent ?? "", /^Hearing A \(mix v2\) at 0:00\.0, loudness-matched -6\.0 dB$/),
    );
    const p = fake.players[0];
    assert.deepEqual(
      p.sides.map((s) => s?.gainDb),
      [-6.02, 0],
    );
    act(() => {
      p.time = 2.5;
    });
    screen.getByRole("heading", { name: "A: mix v2 — loud" });
    screen.getByRole("figure", { name: "Waveform of mix v2" });
    await userEvent.click(screen.getByRole("button", { name: "B: mix v1" }));
    assert.equal(p.active, 1);
    await waitFor(() =>
      assert.match(status.textContent ?? "", /^Hearing B \(mix v1\) at 0:02\.5, loudness-matched 0\.0 dB$/),
    );
    // What is shown is what is heard: B's name and waveform.
    screen.getByRole("heading", { name: "B: mix v1 — quiet" });
    screen.getByRole("figure", { name: "Waveform of mix v1" });
    assert.equal(screen.queryByRole("figure", { name: "Waveform of mix v2" }), null);
  });

  it("measures in the browser when the server has not", async () => {
    stub(api, { versions: async () => [V1, { ...V2, matchGainDb: null, integratedLufs: null }] });
    renderPage(<SongPage songId="s1" />, { audio: audio() });
    await ready();
    await userEvent.click(screen.getByLabelText("B: mix v1"));
    await screen.findByText(/Hearing A \(mix v2\).*loudness-matched -6\.0 dB \(measured in the browser\)/);
    // Unmeasured on the server: the producer may ask for the measurement.
    screen.getByRole("button", { name: "Measure loudness" });
  });

  it("opens another version when its Play button is pressed", async () => {
    const fake = audio();
    renderPage(<SongPage songId="s1" />, { audio: fake });
    await ready();
    await userEvent.click(screen.getByRole("button", { name: "Play mix v1" }));
    await screen.findByRole("heading", { name: "mix v1 — quiet" });
    screen.getByRole("button", { name: "Playing mix v1" });
    // The first version's player let go of its audio.
    assert.equal(fake.players[0].disposed, true);
  });
});

describe("SongPage: approval and roles", () => {
  it("approves with a note", async () => {
    server();
    const calls = stub(api, { decide: async () => [] });
    renderPage(<SongPage songId="s1" />, { audio: audio() });
    await userEvent.type(await screen.findByLabelText("Note"), "Ship it");
    await userEvent.click(screen.getByRole("button", { name: "Approve" }));
    await waitFor(() => assert.deepEqual(calls.decide, [["v2", { state: "approved", note: "Ship it" }]]));
  });

  it("shows a viewer no approve button and no comment form", async () => {
    server(["viewer"]);
    renderPage(<SongPage songId="s1" />, { audio: audio() });
    await ready();
    screen.getByText("Only producers approve versions.");
    assert.equal(screen.queryByRole("button", { name: "Approve" }), null);
    clickWaveform(0.5);
    assert.equal(screen.queryByRole("button", { name: "Add comment" }), null);
    assert.equal(screen.queryByRole("button", { name: "Upload version" }), null);
  });
});

describe("SongPage: uploading a version", () => {
  it("uploads, lists it, and has the server measure its loudness", async () => {
    server();
    const calls = stub(api, {
      upload: async () => ({ sha256: sha("3"), size: 4, format: "wav" }),
      createVersion: async () => version({ id: "v3", number: 3 }),
      submitJob: async () => ({ id: "j1", kind: "analyze", status: "done", progress: 1, result: {} }),
    });
    renderPage(<SongPage songId="s1" />, { audio: audio() });
    await userEvent.type(await screen.findByLabelText("Label"), "vocal up 1 dB");
    await userEvent.upload(screen.getByLabelText("Audio file"), new File([new Uint8Array(4)], "mix3.wav"));
    await userEvent.click(screen.getByRole("button", { name: "Upload version" }));
    await screen.findByText("Uploaded mix v3.");
    assert.deepEqual(calls.createVersion[0], [
      "s1",
      { kind: "mix", label: "vocal up 1 dB", blobSha256: sha("3") },
    ]);
    assert.deepEqual(calls.submitJob[0], ["p1", { kind: "analyze", input: { versionId: "v3" } }]);
  });
});
