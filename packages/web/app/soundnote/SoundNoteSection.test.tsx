/**
 * A sound note under its comment: who may mark one, the proposal with its reasons and the way to the mixer for
 * the engineers, and "done in mix vN" with before, predicted and measured numbers once accepted and rendered.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { soundNotes } from "../api.ts";
import { comment } from "../testing/fixtures.ts";
import { fireEvent, render, screen } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { moveNumbers } from "./MoveList.tsx";
import { SoundNoteSection } from "./SoundNoteSection.tsx";

const move = {
  target: { kind: "track", id: "lead_vocal", name: "Lead vocal", trackIds: ["lead_vocal"] },
  descriptor: "air",
  direction: "more",
  amount: 1,
  changes: [],
  changeLines: ["track lead_vocal: insert eq (highshelf 10000 Hz +3.0 dB)"],
  reason: "air −31.0 dB → −28.0 dB: +3.0 dB shelf above 10 kHz",
  predicted: { feature: "airDb", before: -31, after: -28 },
};
function note(o: Record<string, unknown> = {}) {
  return {
    commentId: "c1",
    songId: "s1",
    versionId: "v1",
    note: "Chorus vocal: more air",
    state: "proposed",
    sessionVersion: 2,
    span: { start: 12, end: 20 },
    job: { id: "j", status: "done", progress: 1, error: null },
    moves: [move],
    notUnderstood: [{ word: "crunchy", suggestions: ["dirty"], kind: "word" }],
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

describe("SoundNoteSection", () => {
  it("offers marking to the producer, not to the engineer, and marks", async () => {
    const calls = stub(soundNotes, { mark: async () => note({ state: "proposing", moves: [] }) });
    const { unmount } = render(<SoundNoteSection comment={comment()} songId="s1" roles={["engineer"]} />);
    assert.equal(screen.queryByRole("button", { name: "Mark as sound note" }), null);
    unmount();
    render(<SoundNoteSection comment={comment()} songId="s1" roles={["producer"]} />);
    fireEvent.click(screen.getByRole("button", { name: "Mark as sound note" }));
    await screen.findByText(/working out the moves/);
    assert.deepEqual(calls.mark, [["c1"]]);
  });

  it("shows the proposal with its reasons, what was not understood, and the way to the mixer", async () => {
    stub(soundNotes, { get: async () => note() });
    render(
      <SoundNoteSection comment={comment({ soundNote: true })} songId="s1" roles={["mixing_engineer"]} />,
    );
    await screen.findByText("air −31.0 dB → −28.0 dB: +3.0 dB shelf above 10 kHz");
    screen.getByText("didn't understand 'crunchy' — did you mean 'dirty'?");
    screen.getByText("air -31.0 → -28.0 dB predicted");
    const link = screen.getByRole("link", { name: /Open in the mixer/ });
    assert.equal(link.getAttribute("href"), "/songs/s1/mixer/notes/c1");
  });

  it("tells the producer it is done in mix v3, with predicted and measured numbers", async () => {
    const measured = {
      ...move,
      measured: { feature: "airDb", before: -31, after: -28.4, expected: -28, ok: true },
    };
    stub(soundNotes, {
      get: async () =>
        note({
          state: "accepted",
          acceptedSessionVersion: 3,
          render: { id: "r", status: "done", progress: 1, error: null },
          doneIn: { versionId: "v3", number: 3, label: "sound note" },
          acceptedMoves: [measured],
        }),
    });
    render(<SoundNoteSection comment={comment({ soundNote: true })} songId="s1" roles={["producer"]} />);
    await screen.findByText("Done in mix v3");
    screen.getByText("air -31.0 → -28.0 dB predicted, -28.4 dB measured ✓");
    assert.equal(moveNumbers(measured as never), "air -31.0 → -28.0 dB predicted, -28.4 dB measured ✓");
  });
});
