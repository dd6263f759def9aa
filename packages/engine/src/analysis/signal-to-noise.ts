/**
 * How far a processed signal is from a known reference: the measures repair is scored by against ground truth
 * (tests, `bench:repair`, `bench:denoise-limits`), kept in one place so every score means the same thing.
 */

/**
 * Signal-to-noise ratio of `signal` against `reference`: 10·log10(Σ ref² / Σ (signal − ref)²), in dB, over
 * `reference.length` samples (sample-aligned; `signal` must be at least as long). +Infinity when the two are
 * identical; −Infinity for a silent reference.
 * @param reference the clean signal (ground truth), any scale.
 * @param signal the signal judged, same scale and alignment.
 */
export function snrDb(reference: ArrayLike<number>, signal: ArrayLike<number>): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < reference.length; i++) {
    s += reference[i] * reference[i];
    e += (signal[i] - reference[i]) ** 2;
  }
  return 10 * Math.log10(s / e);
}

/**
 * Peak amplitude (linear, full scale 1) of the sinusoidal component of `x` at `hz`, by correlating the whole
 * array with a cosine and a sine: exact for a tone of that frequency over a whole number of periods, and within
 * 1/(π·periods) of it otherwise. Used to read a hum harmonic's level before and after removal.
 * @param x the samples.
 * @param hz the component's frequency, Hz (0 < hz < sampleRate / 2).
 * @param sampleRate samples per second, Hz.
 */
export function toneAmplitude(x: ArrayLike<number>, hz: number, sampleRate: number): number {
  let re = 0;
  let im = 0;
  const w = (2 * Math.PI * hz) / sampleRate;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos(w * i);
    im += x[i] * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}
