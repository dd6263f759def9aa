/** Decibel and level helpers. Silence is -Infinity dB, never NaN. */

/** dB → linear amplitude factor. */
export function dbToGain(db: number): number {
  return db === Number.NEGATIVE_INFINITY ? 0 : 10 ** (db / 20);
}

/** Linear amplitude → dB (20·log10); 0 gives -Infinity. */
export function gainToDb(gain: number): number {
  const a = Math.abs(gain);
  return a > 0 ? 20 * Math.log10(a) : Number.NEGATIVE_INFINITY;
}

/** Mean power (mean of squares) → dB (10·log10); 0 gives -Infinity. */
export function powerToDb(power: number): number {
  return power > 0 ? 10 * Math.log10(power) : Number.NEGATIVE_INFINITY;
}

/** Flushes values too small to matter to zero, so recursive filters never stall on denormals. */
export function flushDenormal(x: number): number {
  return x > -1e-25 && x < 1e-25 ? 0 : x;
}
