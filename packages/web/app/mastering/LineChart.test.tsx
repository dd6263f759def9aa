import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { render, screen } from "../testing/render.tsx";
import { LineChart } from "./LineChart.tsx";

describe("LineChart", () => {
  it("keeps every time label inside the chart: the last one ends at its tick, the first starts at its own", () => {
    const y = Array.from({ length: 2011 }, (_, i) => -14 - (i % 7));
    render(
      <LineChart
        title="Short-term loudness over time (LUFS)"
        series={[{ name: "after", y, cls: "after" }]}
        xLabel={(i) => `${(i / 10).toFixed(0)} s`}
        min={-60}
        max={0}
      />,
    );
    const svg = screen.getByRole("img", { name: "Short-term loudness over time (LUFS)" });
    const width = Number(svg.getAttribute("viewBox")?.split(" ")[2]);
    const labels = [...svg.querySelectorAll("text")].filter((t) => / s$/.test(t.textContent ?? ""));
    assert.deepEqual(
      labels.map((t) => t.textContent),
      ["0 s", "67 s", "134 s", "201 s"],
    );
    const last = labels[labels.length - 1];
    assert.equal(last.getAttribute("text-anchor"), "end");
    assert.ok(Number(last.getAttribute("x")) <= width, `${last.getAttribute("x")} of ${width}`);
    assert.equal(labels[0].getAttribute("text-anchor"), "start");
    assert.ok(Number(labels[0].getAttribute("x")) >= 0);
  });
});
