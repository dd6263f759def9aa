/**
 * The demo song's multitrack, synthesised from scratch (no files): drums, bass, keys and a vocal-like lead
 * in A minor at 120 BPM (Am F C G, one chord per bar), the parts entering with the demo arrangement
 * (intro: drums and keys; verse: bass; chorus: the lead) — so the mixer opens on real strips that sum to a
 * song. Deterministic (seeded noise), pure TS over Float32Array.
 */
import { mulberry32 } from "@controlroom/engine/generate/example-song.ts";

/** One part: its name as a take's part, and planar samples (1 or 2 channels, full scale ±1). */
export interface DemoStem {
  part: "drums" | "bass" | "keys" | "lead vocal";
  channels: Float32Array[];
}

const PROGRESSION = [
  [57, 60, 64], // Am
  [53, 57, 60], // F
  [48, 52, 55], // C
  [55, 59, 62], // G
];
/** The lead's line: two notes a bar (MIDI), over the progression. */
const MELODY = [
  [69, 72],
  [69, 65],
  [67, 64],
  [67, 71],
];
const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12);
/** Vowel "ah" formants (Hz) and bandwidths (Hz): the lead's harmonics are weighted by these resonances. */
const FORMANTS = [
  [730, 90],
  [1090, 110],
  [2440, 170],
];

/**
 * Synthesises the four parts.
 * @param sampleRate Hz (8 000 … 192 000). @param seconds length of every stem in seconds (> 0).
 * @param seed noise seed (drums).
 */
export function demoStems(sampleRate: number, seconds: number, seed = 7): DemoStem[] {
  const fs = sampleRate;
  const n = Math.round(fs * seconds);
  const beat = 0.5;
  const bar = 4 * beat;
  const bars = Math.ceil(seconds / bar);
  const rand = mulberry32(seed);
  const mono = () => new Float64Array(n);
  const put = (out: Float64Array, at: number, x: (i: number) => number, len: number, g = 1) => {
    const p = Math.round(at * fs);
    for (let i = 0; i < len && p + i < n; i++) out[p + i] += g * x(i);
  };

  // Drums: kick on every beat from the verse, snare on 2 and 4, hats on the eighths throughout.
  const kick = mono();
  const snare = mono();
  const hats = mono();
  const kickLen = Math.round(0.35 * fs);
  const kickAt = (i: number) => {
    const t = i / fs;
    return Math.sin(2 * Math.PI * (45 * t + 3 * (1 - Math.exp(-t * 30)))) * Math.exp(-t * 9);
  };
  for (let b = 0; b < bars; b++)
    for (let q = 0; q < 8; q++) {
      const t = b * bar + (q * beat) / 2;
      const hpState = { hp: 0, prev: 0 };
      put(
        hats,
        t,
        (i) => {
          const x = rand() * 2 - 1;
          hpState.hp = 0.6 * (hpState.hp + x - hpState.prev);
          hpState.prev = x;
          return hpState.hp * Math.exp((-i / fs) * 60);
        },
        Math.round(0.06 * fs),
        q % 2 ? 0.25 : 0.4,
      );
      if (b < 2 || q % 2) continue;
      put(kick, t, kickAt, kickLen);
      if (q === 2 || q === 6)
        put(
          snare,
          t,
          (i) => {
            const tt = i / fs;
            return ((rand() * 2 - 1) * 0.7 + 0.5 * Math.sin(2 * Math.PI * 190 * tt)) * Math.exp(-tt * 22);
          },
          Math.round(0.2 * fs),
          0.6,
        );
    }
  const drums = [new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    drums[0][i] = kick[i] + 0.9 * snare[i] + hats[i];
    drums[1][i] = kick[i] + snare[i] + 0.6 * hats[i];
  }

  // Bass: the chord's root two octaves down, eighth notes, a soft saw through a one-pole low-pass.
  const bass = mono();
  for (let b = 2; b < bars; b++) {
    const hz = midiHz(PROGRESSION[b % 4][0] - 24);
    for (let q = 0; q < 8; q++) {
      let phase = 0;
      let lp = 0;
      const a = 1 - Math.exp((-2 * Math.PI * 600) / fs);
      put(
        bass,
        b * bar + (q * beat) / 2,
        (i) => {
          phase = (phase + hz / fs) % 1;
          lp += a * (2 * phase - 1 - lp);
          return lp * Math.min(1, i / (0.004 * fs)) * Math.exp((-i / fs) * 5);
        },
        Math.round(0.24 * fs),
      );
    }
  }

  // Keys: each chord held for the bar, its notes spread across the stereo field.
  const keysL = mono();
  const keysR = mono();
  for (let b = 0; b < bars; b++)
    PROGRESSION[b % 4].forEach((m, k) => {
      const hz = midiHz(m);
      const pan = -0.6 + 0.6 * k;
      const gl = Math.cos(((pan + 1) * Math.PI) / 4);
      const gr = Math.sin(((pan + 1) * Math.PI) / 4);
      const len = Math.round(bar * fs);
      const p = Math.round(b * bar * fs);
      for (let i = 0; i < len && p + i < n; i++) {
        const t = i / fs;
        const v =
          harmonics(2 * Math.PI * hz * t, KEYS_HARMONICS) * Math.min(1, t / 0.02) * Math.exp(-t * 0.8);
        keysL[p + i] += gl * v;
        keysR[p + i] += gr * v;
      }
    });

  // Lead vocal: a voiced source (harmonics weighted by "ah" formants, rolling off 12 dB/octave above 5 kHz)
  // with delayed vibrato, plus breath (noise above ~4 kHz, −26 dB) — the top octave a singer has, so "more
  // air" has something to lift — from the chorus of the demo arrangement (bar 7), or from bar 3 when the song
  // is shorter than that.
  const vocal = mono();
  const breath = mulberry32(seed + 1);
  const breathA = 1 / (1 + (2 * Math.PI * 4000) / fs);
  const leadFrom = bars > 6 ? 6 : Math.min(2, bars - 1);
  for (let b = leadFrom; b < bars; b++)
    MELODY[b % 4].forEach((m, k) => {
      const f0 = midiHz(m);
      const weights: number[] = [];
      for (let h = 1; h * f0 < Math.min(14000, fs / 2.2); h++) {
        const f = h * f0;
        let w = 0;
        for (const [fc, bw] of FORMANTS) w += 1 / (1 + ((f - fc) / bw) ** 2);
        weights.push((w / h ** 0.5) * Math.min(1, (5000 / f) ** 2));
      }
      let phase = 0;
      let hpIn = 0;
      let hpOut = 0;
      const len = Math.round(beat * 2 * fs * 0.95);
      put(
        vocal,
        b * bar + k * 2 * beat,
        (i) => {
          const t = i / fs;
          const vib = t > 0.25 ? 0.35 * Math.sin(2 * Math.PI * 5.5 * t) : 0; // semitones
          phase += (f0 * 2 ** (vib / 12)) / fs;
          const noise = breath() * 2 - 1;
          hpOut = breathA * (hpOut + noise - hpIn);
          hpIn = noise;
          const v = harmonics(2 * Math.PI * phase, weights) + 0.05 * hpOut;
          const env = Math.min(1, t / 0.05) * Math.min(1, (len / fs - t) / 0.08);
          return v * env;
        },
        len,
      );
    });

  return [
    { part: "drums", channels: normalise(drums, -6) },
    { part: "bass", channels: normalise([new Float32Array(bass)], -8) },
    { part: "keys", channels: normalise([new Float32Array(keysL), new Float32Array(keysR)], -10) },
    { part: "lead vocal", channels: normalise([new Float32Array(vocal)], -8) },
  ];
}

/** Keys' harmonic amplitudes: 0.4^(h−1)/h for h = 1…5. */
const KEYS_HARMONICS = [1, 2, 3, 4, 5].map((h) => 0.4 ** (h - 1) / h);

/**
 * Σ w[h−1]·sin(h·θ) for h = 1…w.length, by the Chebyshev recurrence sin(hθ) = 2cosθ·sin((h−1)θ) − sin((h−2)θ)
 * (two trigonometric calls per sample instead of one per harmonic).
 */
function harmonics(theta: number, w: readonly number[]): number {
  const c2 = 2 * Math.cos(theta);
  let prev = 0;
  let cur = Math.sin(theta);
  let v = 0;
  for (let h = 0; h < w.length; h++) {
    v += w[h] * cur;
    const next = c2 * cur - prev;
    prev = cur;
    cur = next;
  }
  return v;
}

/** Scales the channels so their sample peak is `peakDb` dBFS (silence stays silence). */
function normalise(chs: Float32Array[], peakDb: number): Float32Array[] {
  let peak = 0;
  for (const c of chs) for (let i = 0; i < c.length; i++) peak = Math.max(peak, Math.abs(c[i]));
  if (peak === 0) return chs;
  const g = 10 ** (peakDb / 20) / peak;
  for (const c of chs) for (let i = 0; i < c.length; i++) c[i] *= g;
  return chs;
}
