import assert from "node:assert/strict";
import { test } from "node:test";
import { ParamError } from "../../core/params.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
  sine,
} from "../space/harness.test.ts";
import { SampleDelay } from "./sample-delay.ts";

const ctx = { sampleRate: 48000, channels: 2 };
const x = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];

test("sampledelay: exact whole-sample delay, per channel, ms rounded; no reported latency", () => {
  const cases: [Record<string, unknown>, number[]][] = [
    [{ samples: 37 }, [37, 37]],
    [{ samples: 0 }, [0, 0]],
    [{ channelSamples: [0, 12] }, [0, 12]],
    [{ samples: 5, channelSamples: [3] }, [8, 5]],
    [{ ms: 1.5 }, [72, 72]],
    [{ ms: 0.01 }, [0, 0]],
  ];
  for (const [params, want] of cases) {
    const p = new SampleDelay(ctx, params);
    assert.equal(p.latency, 0);
    assert.deepEqual([...p.computeDelays()], want);
    const y = renderBlocks(p, x, [333]);
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < 20000; i++) {
        const v = i < want[c] ? 0 : x[c][i - want[c]];
        if (y[c][i] !== v) assert.fail(`${JSON.stringify(params)} channel ${c} sample ${i}`);
      }
    }
  }
  // Long delays beyond one block.
  const long = renderBlocks(new SampleDelay(ctx, { samples: 15000 }), x, [64]);
  assert.deepEqual(long[0].subarray(15000), x[0].subarray(0, 5000));
});

test("sampledelay: changes crossfade, keep history when growing, block independent, bypass, JSON, errors", () => {
  const s = sine(48000, 100, 48000, 0.5);
  const p = new SampleDelay({ sampleRate: 48000, channels: 1 }, { samples: 10 });
  const y = new Float32Array(48000);
  p.process([s.subarray(0, 20000)], [y.subarray(0, 20000)]);
  p.setParams({ samples: 100 });
  p.process([s.subarray(20000)], [y.subarray(20000)]);
  let jump = 0;
  for (let i = 1; i < 48000; i++) jump = Math.max(jump, Math.abs(y[i] - y[i - 1]));
  assert.ok(jump < 0.0066, `jump ${jump}`);
  for (let i = 21000; i < 48000; i++) assert.equal(y[i], s[i - 100]);
  const changing = () => {
    const q = new SampleDelay(ctx, { samples: 3 });
    q.setParams({ samples: 5000, channelSamples: [0, 7] });
    return q;
  };
  assertBlockIndependent(changing, x);
  assertInPlace(changing, x);
  assertBypassNull(new SampleDelay(ctx, { samples: 37 }), x);
  assertJsonRoundTrip(
    new SampleDelay(ctx, { samples: 37, channelSamples: [1, 2] }),
    (j) => new SampleDelay(ctx, j),
    x,
  );
  assert.throws(
    () => new SampleDelay(ctx, { samples: 3.5 }),
    (e: unknown) =>
      e instanceof ParamError && /sampledelay\.samples: must be a whole number of samples/.test(e.message),
  );
  assert.throws(
    () => new SampleDelay(ctx, { samples: -1 }),
    /sampledelay\.samples: must be between 0 and 1000000/,
  );
  assert.throws(() => new SampleDelay(ctx, { channelSamples: [0, 1.5] }), /sampledelay\.channelSamples\[1\]/);
  assert.throws(() => new SampleDelay(ctx, { ms: 20000 }), /sampledelay\.ms: must be between 0 and 10000 ms/);
});
