/**
 * Autoregressive (linear prediction) models of audio, the basis of click detection, click restoration and
 * declipping: x[n] ≈ Σₖ aₖ·x[n−k]. Estimation by the autocorrelation method (Levinson–Durbin, always a stable
 * filter) or by least squares over chosen rows (the covariance method, which can skip damaged samples), and
 * least-squares AR interpolation of missing samples (Godsill & Rayner's LSAR: the values that minimise the
 * prediction-error energy of the surrounding rows).
 */

/** AR order used at `sampleRate`: 32 at 48 kHz, scaled with the rate, 12 … 64. */
export function arOrderFor(sampleRate: number): number {
  return Math.max(12, Math.min(64, Math.round((32 * sampleRate) / 48000)));
}

/**
 * Levinson–Durbin recursion.
 * @param r autocorrelation r[0..p].
 * @param order p.
 * @returns prediction coefficients a[0..p−1] (a[k−1] multiplies x[n−k]); all zeros for a silent input.
 */
export function levinson(r: Float64Array, order: number): Float64Array {
  const a = new Float64Array(order);
  const tmp = new Float64Array(order);
  let err = r[0];
  if (!(err > 0)) return a;
  for (let i = 0; i < order; i++) {
    let acc = r[i + 1];
    for (let j = 0; j < i; j++) acc -= a[j] * r[i - j];
    const k = acc / err;
    tmp.set(a);
    a[i] = k;
    for (let j = 0; j < i; j++) a[j] = tmp[j] - k * tmp[i - 1 - j];
    err *= 1 - k * k;
    if (!(err > r[0] * 1e-12)) break;
  }
  return a;
}

/**
 * AR coefficients by the autocorrelation method over x[start, end) (Hann-windowed, slightly regularised).
 * @param order model order p (≥ 1).
 */
export function estimateAr(x: ArrayLike<number>, start: number, end: number, order: number): Float64Array {
  const s = Math.max(0, start);
  const e = Math.min(x.length, end);
  const n = e - s;
  const w = new Float64Array(Math.max(0, n));
  for (let i = 0; i < n; i++) w[i] = x[s + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n));
  const r = new Float64Array(order + 1);
  for (let lag = 0; lag <= order; lag++) {
    let acc = 0;
    for (let i = lag; i < n; i++) acc += w[i] * w[i - lag];
    r[lag] = acc;
  }
  // A −60 dB white-noise floor keeps the filter well conditioned on pure tones and digital silence.
  r[0] *= 1 + 1e-6;
  return levinson(r, order);
}

/**
 * AR coefficients by least squares over the rows n in [start, end) for which `usable(n−p … n)` holds
 * (the covariance method): damaged samples simply leave their rows out.
 * @returns null when too few usable rows remain (fewer than 4·p).
 */
export function estimateArCovariance(
  x: ArrayLike<number>,
  start: number,
  end: number,
  order: number,
  damaged: (i: number) => boolean,
): Float64Array | null {
  const p = order;
  const s = Math.max(p, start);
  const e = Math.min(x.length, end);
  const phi = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  let rows = 0;
  let lastBad = -1;
  for (let i = s - p; i < s; i++) if (damaged(i)) lastBad = i;
  for (let n = s; n < e; n++) {
    if (damaged(n)) lastBad = n;
    if (n - lastBad <= p) continue;
    rows++;
    const xn = x[n];
    for (let i = 0; i < p; i++) {
      const xi = x[n - 1 - i];
      rhs[i] += xn * xi;
      for (let j = 0; j <= i; j++) phi[i * p + j] += xi * x[n - 1 - j];
    }
  }
  if (rows < 4 * p) return null;
  let trace = 0;
  for (let i = 0; i < p; i++) trace += phi[i * p + i];
  const ridge = (trace / p) * 1e-6 + 1e-20;
  for (let i = 0; i < p; i++) {
    phi[i * p + i] += ridge;
    for (let j = 0; j < i; j++) phi[j * p + i] = phi[i * p + j];
  }
  return solveDense(phi, rhs, p);
}

/** Solves the symmetric positive-definite system M·x = b (M is n×n row-major, overwritten) by Cholesky. */
function solveDense(m: Float64Array, b: Float64Array, n: number): Float64Array | null {
  for (let j = 0; j < n; j++) {
    let d = m[j * n + j];
    for (let k = 0; k < j; k++) d -= m[j * n + k] * m[j * n + k];
    if (!(d > 0)) return null;
    const l = Math.sqrt(d);
    m[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let v = m[i * n + j];
      for (let k = 0; k < j; k++) v -= m[i * n + k] * m[j * n + k];
      m[i * n + j] = v / l;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= m[i * n + k] * y[k];
    y[i] = v / m[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i];
    for (let k = i + 1; k < n; k++) v -= m[k * n + i] * y[k];
    y[i] = v / m[i * n + i];
  }
  return y;
}

/**
 * Forward prediction error e[n] = x[n] − Σₖ aₖ·x[n−k] for n in [start, end) (samples before 0 count as 0),
 * written to out[n − start].
 */
export function forwardError(
  x: ArrayLike<number>,
  a: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const p = a.length;
  for (let n = start; n < end; n++) {
    let acc = x[n];
    const kmax = Math.min(p, n);
    for (let k = 1; k <= kmax; k++) acc -= a[k - 1] * x[n - k];
    out[n - start] = acc;
  }
}

/**
 * Backward prediction error b[n] = x[n] − Σₖ aₖ·x[n+k] (the same model run backwards in time; samples past
 * the end count as 0), for n in [start, end), written to out[n − start].
 */
export function backwardError(
  x: ArrayLike<number>,
  a: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const p = a.length;
  const len = x.length;
  for (let n = start; n < end; n++) {
    let acc = x[n];
    const kmax = Math.min(p, len - 1 - n);
    for (let k = 1; k <= kmax; k++) acc -= a[k - 1] * x[n + k];
    out[n - start] = acc;
  }
}

/**
 * Least-squares AR interpolation: replaces x at the `unknown` positions (sorted, distinct) by the values that
 * minimise Σₙ e[n]² over the rows n in [rowStart, rowEnd) that touch an unknown sample, with the model
 * `coefficients(n)` for row n. Solved with a banded Cholesky factorisation (band = p), so long runs of
 * scattered unknowns (a clipped phrase) cost O(count·p²).
 * @param x signal, modified in place.
 * @param fixed optional per-unknown value constraints: called after a solve with (index into `unknown`,
 *   value); returns a value to pin that sample to (it becomes known) or undefined to accept it. Up to
 *   `maxPasses` solves are made while pins are added (declipping keeps the restored peak beyond the clip level).
 * @returns number of samples finally restored by interpolation (unknowns that were not pinned).
 */
export function interpolateAr(
  x: Float64Array,
  unknown: Int32Array,
  coefficients: (row: number) => Float64Array,
  rowStart: number,
  rowEnd: number,
  fixed?: (index: number, value: number) => number | undefined,
  maxPasses = 1,
): number {
  let free = unknown;
  for (let pass = 0; pass < maxPasses && free.length > 0; pass++) {
    const values = solveLsar(x, free, coefficients, rowStart, rowEnd);
    if (!values) return 0;
    for (let i = 0; i < free.length; i++) x[free[i]] = values[i];
    if (!fixed) break;
    const keep: number[] = [];
    let pinned = 0;
    for (let i = 0; i < free.length; i++) {
      const v = fixed(free[i], values[i]);
      if (v === undefined) keep.push(free[i]);
      else {
        x[free[i]] = v;
        pinned++;
      }
    }
    if (pinned === 0) break;
    free = Int32Array.from(keep);
  }
  return free.length;
}

function solveLsar(
  x: Float64Array,
  u: Int32Array,
  coefficients: (row: number) => Float64Array,
  rowStart: number,
  rowEnd: number,
): Float64Array | null {
  const m = u.length;
  if (m === 0) return new Float64Array(0);
  const p = coefficients(u[0]).length;
  // Band width in unknowns: how many other unknowns lie within p samples before one (at most p).
  let bw = 0;
  for (let i = 0, j = 0; i < m; i++) {
    while (u[i] - u[j] > p) j++;
    bw = Math.max(bw, i - j);
  }
  const stride = bw + 1;
  // band[i*stride + d] = T[i][i−d]
  const band = new Float64Array(m * stride);
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) x[u[i]] = 0;
  const r0 = Math.max(rowStart, p, u[0]);
  const r1 = Math.min(rowEnd, x.length, u[m - 1] + p + 1);
  const c = new Float64Array(p + 1);
  let lo = 0; // first unknown with u ≥ n − p
  for (let n = r0; n < r1; n++) {
    while (lo < m && u[lo] < n - p) lo++;
    if (lo >= m) break;
    if (u[lo] > n) {
      n = u[lo] - 1; // skip to the next row that touches an unknown
      continue;
    }
    const a = coefficients(n);
    c[0] = 1;
    for (let k = 1; k <= p; k++) c[k] = -a[k - 1];
    let e = 0;
    for (let k = 0; k <= p; k++) e += c[k] * x[n - k];
    let hi = lo;
    while (hi < m && u[hi] <= n) hi++;
    for (let i = lo; i < hi; i++) {
      const ci = c[n - u[i]];
      b[i] += ci * e;
      for (let j = lo; j <= i; j++) band[i * stride + (i - j)] += ci * c[n - u[j]];
    }
  }
  // Tiny ridge: samples touched by few rows (near the edges) stay determined.
  for (let i = 0; i < m; i++) band[i * stride] += 1e-9 * (band[i * stride] + 1e-12);
  // Banded Cholesky in place: L[i][j] stored at band[i*stride + (i−j)].
  for (let i = 0; i < m; i++) {
    const j0 = Math.max(0, i - bw);
    for (let j = j0; j <= i; j++) {
      let s = band[i * stride + (i - j)];
      const k0 = Math.max(j0, j - bw);
      for (let k = k0; k < j; k++) s -= band[i * stride + (i - k)] * band[j * stride + (j - k)];
      if (i === j) {
        if (!(s > 0)) return null;
        band[i * stride] = Math.sqrt(s);
      } else band[i * stride + (i - j)] = s / band[j * stride];
    }
  }
  // Solve L·y = −b, then Lᵀ·v = y.
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = -b[i];
    for (let k = Math.max(0, i - bw); k < i; k++) s -= band[i * stride + (i - k)] * y[k];
    y[i] = s / band[i * stride];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k <= Math.min(m - 1, i + bw); k++) s -= band[k * stride + (k - i)] * y[k];
    y[i] = s / band[i * stride];
  }
  return y;
}
