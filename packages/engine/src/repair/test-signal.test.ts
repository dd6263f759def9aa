/**
 * A synthetic "sung" test signal for the repair tests: notes of a few harmonics with vibrato and a little
 * breath noise, separated by short pauses, so every tool meets voiced sound, onsets and near-silence.
 * (A `.test.ts` file so it is never shipped; it holds no tests of its own.)
 */
import { SeededRandom } from "../dsp/dither/random.ts";

/** Five notes over `seconds`, peak about −10 dBFS. */
export function sungSignal(sampleRate: number, seconds = 4, seed = 7): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  const rng = new SeededRandom(seed);
  const notes = [220, 261.63, 329.63, 293.66, 196];
  const noteLen = n / notes.length;
  let phase = 0;
  let breath = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / noteLen);
    const t = (i - k * noteLen) / sampleRate;
    const dur = noteLen / sampleRate;
    const env = Math.min(1, t / 0.03) * Math.min(1, Math.max(0, (dur - 0.12 - t) / 0.05));
    const f = notes[k] * 2 ** ((0.25 / 12) * Math.sin(2 * Math.PI * 5.5 * t));
    phase += (2 * Math.PI * f) / sampleRate;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(h * phase) / (h * h * 0.5 + 0.5);
    breath = 0.9 * breath + 0.1 * (rng.nextUint32() / 2 ** 32 - 0.5);
    out[i] = 0.16 * env * v + 0.002 * breath;
  }
  return out;
}

/** Gaussian noise, seeded. */
export function gaussian(n: number, rms: number, seed = 3): Float32Array {
  const rng = new SeededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = (rng.nextUint32() + 1) / 2 ** 32;
    const v = rng.nextUint32() / 2 ** 32;
    const r = Math.sqrt(-2 * Math.log(u)) * rms;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}
