import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useState } from "react";
import type { MeterReading } from "../audio/meter.ts";
import { DEFAULT_TRACK, type TrackParams } from "../audio/mix-graph.ts";
import { fireEvent, render, screen, userEvent, within } from "../testing/render.tsx";
import { MixerStrip, panLabel } from "./MixerStrip.tsx";

/** A strip holding its own settings, as the page does; `seen` gets every settings change. */
function Strip({
  initial = DEFAULT_TRACK,
  engineInserts = null,
  reading,
  seen = [],
}: {
  initial?: TrackParams;
  engineInserts?: string[] | null;
  reading?: MeterReading;
  seen?: TrackParams[];
}) {
  const [p, setP] = useState(structuredClone(initial));
  return (
    <MixerStrip
      name="drums"
      engineInserts={engineInserts}
      params={p}
      reading={reading}
      onChange={(f) =>
        setP((q) => {
          const next = f(structuredClone(q));
          seen.push(next);
          return next;
        })
      }
    />
  );
}

describe("MixerStrip", () => {
  it("sets the fader from the exact dB field and shows it on the slider's label", async () => {
    const seen: TrackParams[] = [];
    render(<Strip seen={seen} />);
    const field = screen.getByLabelText("Fader drums (dB)");
    fireEvent.change(field, { target: { value: "-6" } });
    assert.equal(seen.at(-1)?.gainDb, -6);
    screen.getByLabelText("Fader drums: -6.0 dB");
    // Only the fader moved.
    assert.deepEqual({ ...seen.at(-1), gainDb: 0 }, DEFAULT_TRACK);
  });

  it("moves the fader with the slider", () => {
    const seen: TrackParams[] = [];
    render(<Strip seen={seen} />);
    fireEvent.change(screen.getByLabelText("Fader drums: 0.0 dB"), { target: { value: "-12.5" } });
    assert.equal(seen.at(-1)?.gainDb, -12.5);
    assert.equal((screen.getByLabelText("Fader drums (dB)") as HTMLInputElement).value, "-12.5");
  });

  it("pans and names the position L, C or R", () => {
    const seen: TrackParams[] = [];
    render(<Strip seen={seen} />);
    fireEvent.change(screen.getByLabelText("Pan drums: C"), { target: { value: "-0.3" } });
    assert.equal(seen.at(-1)?.pan, -0.3);
    fireEvent.change(screen.getByLabelText("Pan drums: L30"), { target: { value: "1" } });
    screen.getByLabelText("Pan drums: R100");
    assert.equal(panLabel(0), "C");
    assert.equal(panLabel(0.25), "R25");
  });

  it("toggles mute and solo, showing each as pressed", async () => {
    const seen: TrackParams[] = [];
    render(<Strip seen={seen} />);
    const user = userEvent.setup();
    const mute = screen.getByRole("button", { name: "Mute drums" });
    const solo = screen.getByRole("button", { name: "Solo drums" });
    assert.equal(mute.getAttribute("aria-pressed"), "false");
    await user.click(mute);
    assert.equal(mute.getAttribute("aria-pressed"), "true");
    assert.equal(seen.at(-1)?.mute, true);
    await user.click(solo);
    assert.equal(solo.getAttribute("aria-pressed"), "true");
    await user.click(mute);
    assert.deepEqual([seen.at(-1)?.mute, seen.at(-1)?.solo], [false, true]);
  });

  it("offers the browser preview's EQ, compressor and reverb send without a session", async () => {
    const seen: TrackParams[] = [];
    render(<Strip seen={seen} />);
    const user = userEvent.setup();
    await user.click(screen.getByLabelText("EQ bell"));
    fireEvent.change(screen.getByLabelText("Frequency (Hz)"), { target: { value: "3000" } });
    fireEvent.change(screen.getByLabelText("Gain (dB)"), { target: { value: "-4.5" } });
    fireEvent.change(screen.getByLabelText("Q"), { target: { value: "2" } });
    await user.click(screen.getByLabelText("Compressor"));
    fireEvent.change(screen.getByLabelText("Threshold (dB)"), { target: { value: "-24" } });
    fireEvent.change(screen.getByLabelText("Ratio"), { target: { value: "4" } });
    fireEvent.change(screen.getByLabelText("Reverb send drums: off"), { target: { value: "-12" } });
    screen.getByLabelText("Reverb send drums: -12 dB");
    const p = seen.at(-1);
    assert.deepEqual(p?.eq, { on: true, freqHz: 3000, gainDb: -4.5, q: 2 });
    assert.deepEqual(p?.comp, { on: true, thresholdDb: -24, ratio: 4 });
    assert.equal(p?.sendDb, -12);
    assert.equal(screen.queryByText(/Engine inserts/), null);
  });

  it("shows a session track's engine inserts instead of the preview's", () => {
    const { rerender } = render(<Strip engineInserts={["eq", "compressor"]} />);
    screen.getByText("Engine inserts: eq → compressor");
    assert.equal(screen.queryByLabelText("EQ bell"), null);
    assert.equal(screen.queryByLabelText(/Reverb send/), null);
    rerender(<Strip engineInserts={[]} />);
    screen.getByText("Engine inserts: none");
  });

  it("reads its meter: sample peak and momentary loudness, −∞ before any reading", () => {
    const { rerender } = render(<Strip />);
    const strip = screen.getByRole("group", { name: "Track drums" });
    within(strip).getByText("−∞ dBFS · −∞ LUFS");
    const reading = {
      peakDb: -23.0103,
      momentaryLufs: -26.04,
      truePeakDb: -23,
      truePeakMaxDb: -23,
      integratedLufs: -26,
    };
    rerender(<Strip reading={reading} />);
    within(strip).getByText("-23.0 dBFS · -26.0 LUFS");
    const bar = strip.querySelector(".meter > div") as HTMLElement;
    assert.equal(bar.style.width, `${((60 - 23.0103) / 60) * 100}%`);
  });
});
