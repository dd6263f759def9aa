import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useState } from "react";
import { version } from "../testing/fixtures.ts";
import { render, screen, userEvent } from "../testing/render.tsx";
import { ABSwitch } from "./ABSwitch.tsx";
import type { LoudnessMatch } from "./loudness-match.ts";
import type { V } from "./versions.ts";

const A = version({ id: "v2", number: 2 }) as V;
const B = version({ id: "v1", number: 1 }) as V;

function Switch({ match, onSwitch = () => {} }: { match: LoudnessMatch; onSwitch?: (s: 0 | 1) => void }) {
  const [side, setSide] = useState<0 | 1>(0);
  return (
    <ABSwitch
      a={A}
      b={B}
      side={side}
      time={3.2}
      match={match}
      onSwitch={(s) => {
        setSide(s);
        onSwitch(s);
      }}
    />
  );
}

describe("ABSwitch", () => {
  it("says which side is heard, where, and at what matched gain; switching changes both", async () => {
    const asked: number[] = [];
    render(<Switch match={{ gains: [-6.02, 0], how: "server" }} onSwitch={(s) => asked.push(s)} />);
    const status = screen.getByTestId("ab-status");
    assert.equal(status.textContent, "Hearing A (mix v2) at 0:03.2, loudness-matched -6.0 dB");
    const a = screen.getByRole("button", { name: "A: mix v2" });
    const b = screen.getByRole("button", { name: "B: mix v1" });
    assert.equal(a.getAttribute("aria-pressed"), "true");
    await userEvent.click(b);
    assert.equal(status.textContent, "Hearing B (mix v1) at 0:03.2, loudness-matched 0.0 dB");
    assert.equal(b.getAttribute("aria-pressed"), "true");
    assert.equal(a.getAttribute("aria-pressed"), "false");
    await userEvent.click(a);
    assert.deepEqual(asked, [1, 0]);
  });

  it("says when the browser measured the match, and when nothing could be matched", () => {
    const { rerender } = render(<Switch match={{ gains: [0, -6.02], how: "browser" }} />);
    screen.getByText(/loudness-matched 0\.0 dB \(measured in the browser\)$/);
    rerender(<Switch match={{ gains: [0, 0], how: "none" }} />);
    screen.getByText(/loudness not measurable \(unmatched\)$/);
  });

  it("is a group named for what it does", () => {
    render(<Switch match={{ gains: [0, 0], how: "server" }} />);
    screen.getByRole("group", { name: "A/B comparison" });
  });
});
