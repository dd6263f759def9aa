/**
 * The insert editors: the EQ curve is the engine's response of the bands (a high shelf reads its gain at the
 * top and nothing at the bottom), band edits come back as new bands; the compressor shows its parameters at
 * the engine's defaults and its gain reduction; sends are edited and added; other processors by parameter;
 * what a proposal touches is marked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eqResponse } from "@controlroom/engine/dsp/eq/eq.ts";
import { fireEvent, render, screen } from "../../testing/render.tsx";
import { CompressorEditor } from "./CompressorEditor.tsx";
import { EqEditor } from "./EqEditor.tsx";
import { curvePath, eqCurve } from "./eq-curve.ts";
import { InsertEditor } from "./InsertEditor.tsx";
import { SendsEditor } from "./SendsEditor.tsx";

const SHELF = [{ kind: "highshelf" as const, freq: 8000, gainDb: 6 }];

describe("EQ curve", () => {
  it("is the engine's response at log-spaced frequencies", () => {
    const c = eqCurve(SHELF, 48000, 50);
    assert.equal(c.freqs.length, 50);
    assert.ok(Math.abs(c.freqs[0] - 20) < 1e-9);
    assert.ok(Math.abs(c.db[0]) < 0.05, `${c.db[0]} dB at 20 Hz`);
    assert.ok(Math.abs(c.db[49] - 6) < 0.3, `${c.db[49]} dB at ${c.freqs[49]} Hz`);
    for (const i of [10, 30, 45]) assert.equal(c.db[i], eqResponse(SHELF, c.freqs[i], 48000).db);
    // Flat with no bands: a straight line through the middle of the box.
    assert.match(curvePath(eqCurve([], 48000, 3), 100, 40, 15), /^M0\.0 20\.0 L50\.0 20\.0 L100\.0 20\.0$/);
  });

  it("the editor draws it, and a band edit comes back as new bands", () => {
    const changes: unknown[] = [];
    render(<EqEditor name="Vox EQ" bands={SHELF} sampleRate={48000} onChange={(b) => changes.push(b)} />);
    const path = screen.getByTestId("eq-path").getAttribute("d");
    assert.equal(path, curvePath(eqCurve(SHELF, 48000), 240, 90, 15));
    fireEvent.change(screen.getByLabelText("Vox EQ band 1 gain (dB)"), { target: { value: "3" } });
    assert.deepEqual(changes.at(-1), [{ kind: "highshelf", freq: 8000, gainDb: 3 }]);
    fireEvent.click(screen.getByRole("button", { name: "Add band to Vox EQ" }));
    assert.equal((changes.at(-1) as unknown[]).length, 2);
    fireEvent.click(screen.getByRole("button", { name: "Remove Vox EQ band 1" }));
    assert.deepEqual(changes.at(-1), []);
  });
});

describe("CompressorEditor", () => {
  it("shows the parameters (engine defaults for the missing), the gain reduction, and reports edits", () => {
    const patches: unknown[] = [];
    render(
      <CompressorEditor
        name="Vox comp"
        value={{ type: "compressor", thresholdDb: -20, ratio: 3 }}
        gainReductionDb={4.2}
        changed={["thresholdDb"]}
        onChange={(p) => patches.push(p)}
      />,
    );
    assert.equal((screen.getByLabelText("Vox comp threshold (dB)") as HTMLInputElement).value, "-20");
    assert.equal((screen.getByLabelText("Vox comp attack (ms)") as HTMLInputElement).value, "10");
    assert.equal((screen.getByLabelText("Vox comp release (ms)") as HTMLInputElement).value, "100");
    screen.getByText("Vox comp gain reduction: 4.2 dB");
    assert.equal(screen.getByLabelText("Vox comp gain reduction").getAttribute("value"), "4.2");
    assert.match(
      screen.getByLabelText("Vox comp threshold (dB)").closest("div")?.className ?? "",
      /proposed/,
    );
    fireEvent.change(screen.getByLabelText("Vox comp ratio"), { target: { value: "4" } });
    assert.deepEqual(patches, [{ ratio: 4 }]);
  });
});

describe("SendsEditor", () => {
  it("edits a send's level and pre/post, and adds one to a free bus", () => {
    const out: unknown[] = [];
    render(
      <SendsEditor
        name="Keys"
        sends={[{ bus: "verb", levelDb: -16, pre: false }]}
        buses={[
          { id: "verb", name: "Reverb" },
          { id: "delay", name: "Delay" },
        ]}
        onChange={(s) => out.push(s)}
      />,
    );
    fireEvent.change(screen.getByLabelText("Keys send to Reverb (dB)"), { target: { value: "-10" } });
    assert.deepEqual(out.at(-1), [{ bus: "verb", levelDb: -10, pre: false }]);
    fireEvent.change(screen.getByLabelText("Add a send from Keys"), { target: { value: "delay" } });
    assert.deepEqual(out.at(-1), [
      { bus: "verb", levelDb: -16, pre: false },
      { bus: "delay", levelDb: -18, pre: false },
    ]);
  });
});

describe("InsertEditor", () => {
  it("edits any processor by its parameters and marks a proposed one", () => {
    const out: unknown[] = [];
    render(
      <InsertEditor
        name="Bass insert 1"
        processor={{ type: "saturation", drive: 3, mix: 1 }}
        sampleRate={48000}
        mark={{ params: ["drive"] }}
        onChange={(p) => out.push(p)}
        onRemove={() => out.push("removed")}
      />,
    );
    screen.getByText("saturation (proposed: drive)");
    fireEvent.change(screen.getByLabelText("Bass insert 1: saturation drive"), { target: { value: "6" } });
    assert.deepEqual(out, [{ type: "saturation", drive: 6, mix: 1 }]);
    fireEvent.click(screen.getByRole("button", { name: "Remove Bass insert 1: saturation" }));
    assert.equal(out.at(-1), "removed");
  });
});
