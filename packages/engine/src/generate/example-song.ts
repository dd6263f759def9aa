/**
 * A short, deterministic example song synthesised from scratch (no files needed): four bars of drums,
 * bass and chords at 120 BPM, repeated, with an intro and a fade-out. Used by the demo and by tests that
 * need music-like material with transients, bass, stereo width and dynamics.
 */

/** Options for the example song. */
export interface ExampleSongOptions {
  /** Sample rate in Hz (default 48 000). */
  sampleRate?: number;
  /** Length in seconds (default 24). */
  seconds?: number;
  /** Seed for the noise sources (default 1). */
  seed?: number;
}

/** Mulberry32: a tiny, fast, seeded PRNG; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const A_MINOR_PROGRESSION = [
  [57, 60, 64], // Am
  [53, 57, 60], // F
  [48, 52, 55], // C
  [55, 59, 62], // G
];

const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12);

/** Renders the example song as planar stereo. Peak about −3 dBFS. */
export function exampleSong(opts: ExampleSongOptions = {}): Float32Array[] {
  const fs = opts.sampleRate ?? 48000;
  const seconds = opts.seconds ?? 24;
  const n = Math.round(fs * seconds);
  const rand = mulberry32(opts.seed ?? 1);
  const L = new Float64Array(n);
  const R = new Float64Array(n);
  const beat = 0.5; // seconds per beat at 120 BPM
  const bar = 4 * beat;
  const add = (pos: number, buf: Float64Array, g: number, pan: number) => {
    const gl = Math.cos(((pan + 1) * Math.PI) / 4) * g;
    const gr = Math.sin(((pan + 1) * Math.PI) / 4) * g;
    for (let i = 0; i < buf.length && pos + i < n; i++) {
      L[pos + i] += buf[i] * gl;
      R[pos + i] += buf[i] * gr;
    }
  };
  const kick = Float64Array.from({ length: Math.round(0.35 * fs) }, (_, i) => {
    const t = i / fs;
    const f = 45 + 90 * Math.exp(-t * 30);
    return (
      Math.sin(2 * Math.PI * (45 * t + (90 / 30) * (1 - Math.exp(-t * 30)))) *
      Math.exp(-t * 9) *
      (f > 0 ? 1 : 0)
    );
  });
  const hat = () => {
    let hp = 0;
    let prev = 0;
    return Float64Array.from({ length: Math.round(0.06 * fs) }, (_, i) => {
      const x = rand() * 2 - 1;
      hp = 0.6 * (hp + x - prev); // crude high-pass: hats are mostly top end
      prev = x;
      return hp * Math.exp((-i / fs) * 60);
    });
  };
  const snare = () =>
    Float64Array.from({ length: Math.round(0.2 * fs) }, (_, i) => {
      const t = i / fs;
      return ((rand() * 2 - 1) * 0.7 + 0.5 * Math.sin(2 * Math.PI * 190 * t)) * Math.exp(-t * 22);
    });
  const tone = (hz: number, dur: number, bright: number, detune = 0) =>
    Float64Array.from({ length: Math.round(dur * fs) }, (_, i) => {
      const t = i / fs;
      const env = Math.min(1, t / 0.01) * Math.exp(-t * (1.2 / dur));
      let v = 0;
      for (let h = 1; h <= 6; h++)
        v += (Math.sin(2 * Math.PI * hz * (1 + detune) * h * t) * bright ** (h - 1)) / h;
      return v * env;
    });
  const bars = Math.floor(seconds / bar);
  for (let b = 0; b < bars; b++) {
    const chord = A_MINOR_PROGRESSION[b % 4];
    const t0 = b * bar;
    const intro = b < 2;
    for (const [k, m] of chord.entries()) {
      add(Math.round(t0 * fs), tone(midiHz(m), bar, 0.35, 0.002), 0.07, -0.5 + k * 0.5);
    }
    for (let q = 0; q < 4; q++) {
      const tb = t0 + q * beat;
      if (!intro) {
        add(Math.round(tb * fs), kick, 0.55, 0);
        add(Math.round(tb * fs), tone(midiHz(chord[0] - 24), beat * 0.9, 0.5), 0.22, 0);
        if (q % 2 === 1) add(Math.round(tb * fs), snare(), 0.28, 0.1);
      }
      add(Math.round(tb * fs), hat(), 0.18, 0.4);
      add(Math.round((tb + beat / 2) * fs), hat(), 0.12, 0.4);
    }
  }
  // Fade out over the last bar so the tail is quiet, as a finished song's would be.
  const fadeStart = Math.max(0, n - Math.round(bar * fs));
  let peak = 0;
  for (let i = 0; i < n; i++) {
    if (i >= fadeStart) {
      const g = Math.cos(((i - fadeStart) / (n - fadeStart)) * (Math.PI / 2));
      L[i] *= g;
      R[i] *= g;
    }
    peak = Math.max(peak, Math.abs(L[i]), Math.abs(R[i]));
  }
  const norm = peak > 0 ? 10 ** (-3 / 20) / peak : 1;
  return [Float32Array.from(L, (v) => v * norm), Float32Array.from(R, (v) => v * norm)];
}
