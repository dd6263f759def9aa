/**
 * Mastering to a loudness target with the engine: measure the integrated loudness (BS.1770), drive the
 * engine's true-peak limiter by the difference, measure again and correct the drive (limiting lowers the
 * loudness), at most four passes. Also the before/after readings: loudness over time (short-term, every
 * 100 ms), third-octave spectrum, true peak, LRA. Pure computation; runs in a worker.
 */
import { LoudnessMeter, powerToLufs } from "@controlroom/engine/analysis/loudness.ts";
import { ThirdOctaveAnalyzer } from "@controlroom/engine/analysis/third-octave.ts";
import { TruePeakMeter } from "@controlroom/engine/analysis/true-peak.ts";
import { Limiter } from "@controlroom/engine/dsp/dynamics/limiter.ts";

/** A delivery target. */
export interface Target {
  name: string;
  /** Integrated loudness, LUFS. */
  lufs: number;
  /** True-peak ceiling, dBTP. */
  truePeakDb: number;
}

export const TARGETS: Target[] = [
  { name: "Streaming (Spotify, YouTube, Tidal)", lufs: -14, truePeakDb: -1 },
  { name: "Apple Music", lufs: -16, truePeakDb: -1 },
  { name: "Broadcast (EBU R128)", lufs: -23, truePeakDb: -1 },
  { name: "Loud CD / club", lufs: -9, truePeakDb: -0.3 },
];

/** Readings of a programme. */
export interface Readings {
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDb: number;
  /** Short-term loudness every 100 ms, LUFS. */
  shortTerm: number[];
  /** Third-octave band levels, dB. */
  spectrum: { centerHz: number; levelDb: number }[];
}

const BLOCK = 4096;

/** Measures planar audio. */
export function measure(ch: Float32Array[], rate: number): Readings {
  const n = ch[0].length;
  const lm = new LoudnessMeter(rate, ch.length);
  const tp = new TruePeakMeter(rate, ch.length);
  const sp = new ThirdOctaveAnalyzer(rate, ch.length, 0.25);
  for (let o = 0; o < n; o += BLOCK) {
    const f = Math.min(BLOCK, n - o);
    const view = ch.map((c) => c.subarray(o, o + f));
    lm.process(view, f);
    tp.process(view, f);
    sp.process(view, f);
  }
  const r = lm.result();
  return {
    integratedLufs: r.integratedLufs,
    loudnessRangeLu: r.loudnessRangeLu,
    truePeakDb: 20 * Math.log10(tp.peak),
    shortTerm: Array.from(lm.shortTerm.view(), powerToLufs),
    spectrum: sp.bands(),
  };
}

/** Runs the limiter over the whole programme with latency removed. */
function limit(ch: Float32Array[], rate: number, driveDb: number, ceilingDb: number): Float32Array[] {
  const lim = new Limiter(
    { sampleRate: rate, channels: ch.length },
    { gainDb: driveDb, ceilingDb, truePeak: true, releaseMs: 80, lookaheadMs: 3 },
  );
  const lat = lim.latency;
  const n = ch[0].length;
  const out = ch.map(() => new Float32Array(n));
  const bufIn = ch.map(() => new Float32Array(BLOCK));
  const bufOut = ch.map(() => new Float32Array(BLOCK));
  // Feed the programme and `lat` samples of silence; keep output from `lat` on.
  for (let o = 0; o < n + lat; o += BLOCK) {
    const f = Math.min(BLOCK, n + lat - o);
    for (let c = 0; c < ch.length; c++) {
      bufIn[c].fill(0);
      if (o < n) bufIn[c].set(ch[c].subarray(o, Math.min(n, o + f)));
    }
    lim.process(bufIn, bufOut, f);
    for (let c = 0; c < ch.length; c++)
      for (let i = 0; i < f; i++) {
        const k = o + i - lat;
        if (k >= 0 && k < n) out[c][k] = bufOut[c][i];
      }
  }
  return out;
}

/** The mastered programme with its readings before and after. */
export interface MasterResult {
  output: Float32Array[];
  before: Readings;
  after: Readings;
  driveDb: number;
  passes: number;
}

/**
 * Masters `ch` to `target`. @param onProgress 0…1.
 * @throws when the programme is silent (no loudness to match).
 */
export function master(
  ch: Float32Array[],
  rate: number,
  target: Target,
  onProgress: (f: number) => void,
): MasterResult {
  const before = measure(ch, rate);
  if (!Number.isFinite(before.integratedLufs)) throw new Error("the mix is silent: nothing to master");
  let drive = Math.max(-24, Math.min(24, target.lufs - before.integratedLufs));
  let out = ch;
  let after = before;
  let passes = 0;
  for (; passes < 4; passes++) {
    onProgress((passes + 0.5) / 5);
    out = limit(ch, rate, drive, target.truePeakDb);
    after = measure(out, rate);
    const miss = target.lufs - after.integratedLufs;
    if (Math.abs(miss) <= 0.1 || drive >= 24) break;
    drive = Math.max(-24, Math.min(24, drive + miss));
  }
  onProgress(1);
  return { output: out, before, after, driveDb: drive, passes: passes + 1 };
}
