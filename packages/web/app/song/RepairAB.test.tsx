/**
 * The A/B of a repaired take against its original: loudness-matched (the server's figures, else the engine's
 * BS.1770 meter here: a sine of half the amplitude is 6.02 dB quieter), and the label and the waveform
 * follow the side heard; the playhead is the player's.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { api } from "../api.ts";
import { audioBuffer, fakeAudio, sine } from "../testing/fake-audio.ts";
import { sha } from "../testing/fixtures.ts";
import { act, renderPage, screen, userEvent, waitFor } from "../testing/render.tsx";
import { matchGains, RepairAB, type RepairSide } from "./RepairAB.tsx";

/** One second of 440 Hz at 0.5 with a full-scale click in the middle: the original. */
function clicked(): Float32Array {
  const x = sine(440, 0.5, 1);
  x[24000] = 1;
  return x;
}

const ORIGINAL: RepairSide = { name: "vox take 1", blobSha256: sha("a"), integratedLufs: null };
const REPAIRED: RepairSide = { name: "vox take 2", blobSha256: sha("b"), integratedLufs: null };

function audio() {
  return fakeAudio(
    {
      [api.blobUrl(sha("a"))]: audioBuffer([clicked()]),
      [api.blobUrl(sha("b"))]: audioBuffer([sine(440, 0.25, 1)]),
    },
    true,
  );
}

describe("RepairAB", () => {
  it("matches loudness to the quieter side", () => {
    assert.deepEqual(matchGains(-20, -21), [-1, 0]);
    assert.deepEqual(matchGains(-23, -14), [0, -9]);
  });

  it("measures both sides in the browser when the server has not; label and waveform follow what is heard", async () => {
    const fake = audio();
    renderPage(<RepairAB original={ORIGINAL} repaired={REPAIRED} onClose={() => {}} />, { audio: fake });
    const status = screen.getByTestId("repair-ab-status");
    await waitFor(() =>
      assert.equal(
        status.textContent,
        "Hearing A (original, vox take 1) at 0:00.0, loudness-matched -6.0 dB (measured in the browser)",
      ),
    );
    const player = fake.players[0];
    const [ga, gb] = player.sides.map((s) => s?.gainDb as number);
    // 20·log10(0.25/0.5) = −6.02 dB (the click adds a hair to the original's loudness).
    assert.ok(Math.abs(ga - -6.02) < 0.05, `${ga}`);
    assert.equal(gb, 0);
    const waveA = screen.getByRole("img", { name: "Waveform of the original, vox take 1" });
    const pathA = waveA.querySelector("path")?.getAttribute("d");

    await userEvent.click(screen.getByRole("button", { name: "B: repaired" }));
    assert.equal(player.active, 1);
    assert.equal(
      status.textContent,
      "Hearing B (repaired, vox take 2) at 0:00.0, loudness-matched 0.0 dB (measured in the browser)",
    );
    const waveB = screen.getByRole("img", { name: "Waveform of the repaired take, vox take 2" });
    assert.notEqual(waveB.querySelector("path")?.getAttribute("d"), pathA);
    assert.equal(screen.getByRole("button", { name: "B: repaired" }).getAttribute("aria-pressed"), "true");
    assert.equal(screen.getByRole("button", { name: "A: original" }).getAttribute("aria-pressed"), "false");

    await userEvent.click(screen.getByRole("button", { name: "A: original" }));
    assert.equal(player.active, 0);
    screen.getByRole("img", { name: "Waveform of the original, vox take 1" });
  });

  it("plays and pauses both sides together; the label follows the playhead", async () => {
    const fake = audio();
    renderPage(
      <RepairAB
        original={{ ...ORIGINAL, integratedLufs: -18 }}
        repaired={{ ...REPAIRED, integratedLufs: -24 }}
        onClose={() => {}}
      />,
      { audio: fake },
    );
    const play = screen.getByRole("button", { name: "Play" });
    await waitFor(() => assert.equal((play as HTMLButtonElement).disabled, false));
    const player = fake.players[0];
    // The server measured both: its figures are used.
    assert.deepEqual(
      player.sides.map((s) => s?.gainDb),
      [-6, 0],
    );
    await userEvent.click(play);
    assert.equal(player.playing, true);
    act(() => {
      player.time = 0.5;
    });
    await waitFor(() =>
      assert.match(screen.getByTestId("repair-ab-status").textContent ?? "", / at 0:00\.5, /),
    );
    await userEvent.click(screen.getByRole("button", { name: "Pause" }));
    assert.equal(player.playing, false);
  });

  it("says why when a file cannot be decoded", async () => {
    renderPage(
      <RepairAB original={ORIGINAL} repaired={{ ...REPAIRED, blobSha256: sha("c") }} onClose={() => {}} />,
      { audio: audio() },
    );
    await screen.findByText(`${api.blobUrl(sha("c"))}: HTTP 404`);
  });
});
