/**
 * A cascade of biquad sections over several channels, in place on 64-bit buffers, whose coefficients glide
 * when changed. A change moves every coefficient in a straight line, sample by sample, from where it is to
 * the new design over 20 ms. Straight lines keep the filter stable: the region of stable (a1, a2) is a
 * triangle, so every point between two stable sections is stable too. Each glide sample's coefficients are
 * computed from its distance to the glide start (not accumulated), so the output does not depend on block
 * sizes.
 *
 * Sections that are exactly the identity (and not moving) are skipped; a bank of slots can be larger than
 * what is in use at no cost.
 */
import type { BiquadCoefficients } from "../../core/biquad.ts";

/** Glide duration, seconds. */
export const GLIDE_SECONDS = 0.02;
/** Samples between flushes of tiny filter states to zero. */
const FLUSH_EVERY = 256;

export class SectionChain {
  /** Section slots. */
  private sections: number;
  readonly channels: number;
  /** Coefficients now (b0 b1 b2 a1 a2 per section), where a glide started, and its goal. */
  private cur: Float64Array;
  private from: Float64Array;
  private to: Float64Array;
  /** Filter state per channel: (s1, s2) per section. */
  private state: Float64Array[];
  /** Indices of sections that are not the identity now (or, while gliding, at either end). */
  private active: Int32Array;
  private activeCount = 0;
  /** Glide length and samples done, samples. */
  private readonly glideLength: number;
  private glidePos = 0;
  private gliding = false;
  /** Samples until the next denormal flush (on a fixed grid, so results do not depend on block sizes). */
  private untilFlush = FLUSH_EVERY;

  /**
   * @param channels channels processed together (each has its own state, all share coefficients).
   * @param sections number of section slots (grows with `setSections`).
   * @param sampleRate Hz, sets the glide length.
   */
  constructor(channels: number, sections: number, sampleRate: number) {
    this.channels = channels;
    this.sections = sections;
    this.cur = identityArray(sections);
    this.from = identityArray(sections);
    this.to = identityArray(sections);
    this.state = Array.from({ length: channels }, () => new Float64Array(2 * sections));
    this.active = new Int32Array(sections);
    this.glideLength = Math.max(1, Math.round(GLIDE_SECONDS * sampleRate));
  }

  /** Section slots. */
  get size(): number {
    return this.sections;
  }

  /** True while coefficients are still moving. */
  get isGliding(): boolean {
    return this.gliding;
  }

  /**
   * Sets the sections (slot i gets `coeffs[i]`, slots beyond get the identity; the bank grows if needed).
   * `immediate` jumps there (before any audio, or after a reset); otherwise the coefficients glide.
   */
  setSections(coeffs: readonly BiquadCoefficients[], immediate = false): void {
    if (coeffs.length > this.sections) this.grow(coeffs.length);
    const to = this.to;
    to.set(identityArray(this.sections));
    for (let s = 0; s < coeffs.length; s++) {
      const c = coeffs[s];
      const o = 5 * s;
      to[o] = c.b0;
      to[o + 1] = c.b1;
      to[o + 2] = c.b2;
      to[o + 3] = c.a1;
      to[o + 4] = c.a2;
    }
    let same = true;
    for (let i = 0; i < to.length; i++) if (to[i] !== this.cur[i]) same = false;
    if (immediate || same) {
      this.cur.set(to);
      this.gliding = false;
    } else {
      // A change during a glide starts from the coefficients in use now.
      this.from.set(this.cur);
      this.glidePos = 0;
      this.gliding = true;
    }
    this.updateActive();
  }

  /** Clears the filter state and finishes any glide. */
  reset(): void {
    for (const s of this.state) s.fill(0);
    this.untilFlush = FLUSH_EVERY;
    this.cur.set(this.to);
    this.gliding = false;
    this.updateActive();
  }

  /** Filters the first `frames` samples of every channel buffer in place. */
  run(bufs: readonly Float64Array[], frames: number): void {
    let pos = 0;
    while (pos < frames) {
      let n = frames - pos;
      if (n > this.untilFlush) n = this.untilFlush;
      if (this.gliding && n > this.glideLength - this.glidePos) n = this.glideLength - this.glidePos;
      this.untilFlush -= n;
      const flush = this.untilFlush === 0;
      if (flush) this.untilFlush = FLUSH_EVERY;
      if (this.gliding) {
        for (let c = 0; c < this.channels; c++) {
          for (let k = 0; k < this.activeCount; k++)
            this.glideSection(this.active[k], bufs[c], this.state[c], pos, n);
        }
      } else {
        // Channels in pairs: the two recursions are independent, so the CPU overlaps them.
        let c = 0;
        for (; c + 1 < this.channels; c += 2) {
          const [x, z, sx, sz] = [bufs[c], bufs[c + 1], this.state[c], this.state[c + 1]];
          let k = 0;
          // Two sections per pass: the second works on sample i while the first moves on to i + 1.
          for (; k + 1 < this.activeCount; k += 2)
            this.runSections2x2(this.active[k], this.active[k + 1], x, z, sx, sz, pos, n);
          if (k < this.activeCount) this.runSection2(this.active[k], x, z, sx, sz, pos, n);
        }
        if (c < this.channels) {
          // The odd channel (a mono track's only one) gets the same overlap from two sections per pass.
          let k = 0;
          for (; k + 1 < this.activeCount; k += 2)
            this.runSections2x1(this.active[k], this.active[k + 1], bufs[c], this.state[c], pos, n);
          if (k < this.activeCount) this.runSection(this.active[k], bufs[c], this.state[c], pos, n);
        }
      }
      if (flush) this.flushDenormals();
      pos += n;
      if (this.gliding) {
        this.glidePos += n;
        const cur = this.cur;
        if (this.glidePos >= this.glideLength) {
          cur.set(this.to);
          this.gliding = false;
          this.updateActive();
        } else {
          const t = this.glidePos / this.glideLength;
          for (let i = 0; i < cur.length; i++) cur[i] = this.from[i] + (this.to[i] - this.from[i]) * t;
        }
      }
    }
  }

  /** One section with fixed coefficients over x[pos … pos+n) (transposed direct form II). */
  private runSection(s: number, x: Float64Array, st: Float64Array, pos: number, n: number): void {
    const cur = this.cur;
    const o = 5 * s;
    const b0 = cur[o];
    const b1 = cur[o + 1];
    const b2 = cur[o + 2];
    const a1 = cur[o + 3];
    const a2 = cur[o + 4];
    let s1 = st[2 * s];
    let s2 = st[2 * s + 1];
    const end = pos + n;
    for (let i = pos; i < end; i++) {
      const xi = x[i];
      const yi = b0 * xi + s1;
      s1 = b1 * xi - a1 * yi + s2;
      s2 = b2 * xi - a2 * yi;
      x[i] = yi;
    }
    st[2 * s] = s1;
    st[2 * s + 1] = s2;
  }

  /** One section over two channels at once (same arithmetic per channel as `runSection`). */
  private runSection2(
    s: number,
    x: Float64Array,
    z: Float64Array,
    sx: Float64Array,
    sz: Float64Array,
    pos: number,
    n: number,
  ): void {
    const cur = this.cur;
    const o = 5 * s;
    const b0 = cur[o];
    const b1 = cur[o + 1];
    const b2 = cur[o + 2];
    const a1 = cur[o + 3];
    const a2 = cur[o + 4];
    let p1 = sx[2 * s];
    let p2 = sx[2 * s + 1];
    let q1 = sz[2 * s];
    let q2 = sz[2 * s + 1];
    const end = pos + n;
    for (let i = pos; i < end; i++) {
      const xi = x[i];
      const zi = z[i];
      const yi = b0 * xi + p1;
      const wi = b0 * zi + q1;
      p1 = b1 * xi - a1 * yi + p2;
      q1 = b1 * zi - a1 * wi + q2;
      p2 = b2 * xi - a2 * yi;
      q2 = b2 * zi - a2 * wi;
      x[i] = yi;
      z[i] = wi;
    }
    sx[2 * s] = p1;
    sx[2 * s + 1] = p2;
    sz[2 * s] = q1;
    sz[2 * s + 1] = q2;
  }

  /** Sections s then t over two channels at once (same arithmetic per channel as `runSection` twice). */
  private runSections2x2(
    s: number,
    t: number,
    x: Float64Array,
    z: Float64Array,
    sx: Float64Array,
    sz: Float64Array,
    pos: number,
    n: number,
  ): void {
    const cur = this.cur;
    const o = 5 * s;
    const b0 = cur[o];
    const b1 = cur[o + 1];
    const b2 = cur[o + 2];
    const a1 = cur[o + 3];
    const a2 = cur[o + 4];
    const u = 5 * t;
    const c0 = cur[u];
    const c1 = cur[u + 1];
    const c2 = cur[u + 2];
    const d1 = cur[u + 3];
    const d2 = cur[u + 4];
    let p1 = sx[2 * s];
    let p2 = sx[2 * s + 1];
    let q1 = sz[2 * s];
    let q2 = sz[2 * s + 1];
    let r1 = sx[2 * t];
    let r2 = sx[2 * t + 1];
    let v1 = sz[2 * t];
    let v2 = sz[2 * t + 1];
    const end = pos + n;
    for (let i = pos; i < end; i++) {
      const xi = x[i];
      const zi = z[i];
      const yi = b0 * xi + p1;
      const wi = b0 * zi + q1;
      p1 = b1 * xi - a1 * yi + p2;
      q1 = b1 * zi - a1 * wi + q2;
      p2 = b2 * xi - a2 * yi;
      q2 = b2 * zi - a2 * wi;
      const yo = c0 * yi + r1;
      const wo = c0 * wi + v1;
      r1 = c1 * yi - d1 * yo + r2;
      v1 = c1 * wi - d1 * wo + v2;
      r2 = c2 * yi - d2 * yo;
      v2 = c2 * wi - d2 * wo;
      x[i] = yo;
      z[i] = wo;
    }
    sx[2 * s] = p1;
    sx[2 * s + 1] = p2;
    sz[2 * s] = q1;
    sz[2 * s + 1] = q2;
    sx[2 * t] = r1;
    sx[2 * t + 1] = r2;
    sz[2 * t] = v1;
    sz[2 * t + 1] = v2;
  }

  /**
   * `run` straight from float32 input to float32 output, for the common case of at most two active sections
   * and no glide: the same arithmetic as copying into float64 buffers, running and copying back (so the same
   * bits), without the two copies. Returns false, touching nothing, when the case does not apply.
   */
  runFloat32(input: readonly Float32Array[], output: Float32Array[], frames: number): boolean {
    if (this.gliding || this.activeCount > 2) return false;
    const k = this.activeCount;
    let pos = 0;
    while (pos < frames) {
      const n = Math.min(frames - pos, this.untilFlush);
      this.untilFlush -= n;
      for (let c = 0; c < this.channels; c++) {
        const x = input[c];
        const y = output[c];
        const st = this.state[c];
        if (k === 2) this.runPairFloat32(this.active[0], this.active[1], x, y, st, pos, n);
        else if (k === 1) this.runOneFloat32(this.active[0], x, y, st, pos, n);
        else for (let i = pos; i < pos + n; i++) y[i] = x[i];
      }
      if (this.untilFlush === 0) {
        this.untilFlush = FLUSH_EVERY;
        this.flushDenormals();
      }
      pos += n;
    }
    return true;
  }

  private runOneFloat32(
    s: number,
    x: Float32Array,
    y: Float32Array,
    st: Float64Array,
    pos: number,
    n: number,
  ): void {
    const cur = this.cur;
    const o = 5 * s;
    const b0 = cur[o];
    const b1 = cur[o + 1];
    const b2 = cur[o + 2];
    const a1 = cur[o + 3];
    const a2 = cur[o + 4];
    let s1 = st[2 * s];
    let s2 = st[2 * s + 1];
    const end = pos + n;
    for (let i = pos; i < end; i++) {
      const xi = x[i];
      const yi = b0 * xi + s1;
      s1 = b1 * xi - a1 * yi + s2;
      s2 = b2 * xi - a2 * yi;
      y[i] = yi;
    }
    st[2 * s] = s1;
    st[2 * s + 1] = s2;
  }

  private runPairFloat32(
    s: number,
    t: number,
    x: Float32Array,
    y: Float32Array,
    st: Float64Array,
    pos: number,
    n: number,
  ): void {
    const cur = this.cur;
    const o = 5 * s;
    const b0 = cur[o];
    const b1 = cur[o + 1];
    const b2 = cur[o + 2];
    const a1 = cur[o + 3];
    const a2 = cur[o + 4];
    const u = 5 * t;
    const c0 = cur[u];
    const c1 = cur[u + 1];
    const c2 = cur[u + 2];
    const d1 = cur[u + 3];
    const d2 = cur[u + 4];
    let p1 = st[2 * s];
    let p2 = st[2 * s + 1];
    let r1 = st[2 * t];
    let r2 = st[2 * t + 1];
    const end = pos + n;
    for (let i = pos; i < end; i++) {
      const xi = x[i];
      const yi = b0 * xi + p1;
      p1 = b1 * xi - a1 * yi + p2;
      p2 = b2 * xi - a2 * yi;
      const yo = c0 * yi + r1;
      r1 = c1 * yi - d1 * yo + r2;
      r2 = c2 * yi - d2 * yo;
      y[i] = yo;
    }
    st[2 * s] = p1;
    st[2 * s + 1] = p2;
    st[2 * t] = r1;
    st[2 * t + 1] = r2;
  }

  /** True when not gliding and every filter state is exactly zero: silence in gives silence (+0) out. */
  get atRest(): boolean {
    if (this.gliding) return false;
    for (const st of this.state) for (let i = 0; i < st.length; i++) if (st[i] !== 0) return false;
    return true;
  }

  /** Values too small to matter go to zero, so a decaying tail ends in exact zeros, not denormals. */
  private flushDenormals(): void {
    for (const st of this.state) {
      for (let i = 0; i < st.length; i++) if (st[i] > -1e-25 && st[i] < 1e-25) st[i] = 0;
    }
  }

  /** Counts `frames` samples of silence towards the next denormal flush, as `run` would (see atRest). */
  advance(frames: number): void {
    const used = FLUSH_EVERY - this.untilFlush + frames;
    this.untilFlush = FLUSH_EVERY - (used % FLUSH_EVERY);
  }

  /** Sections s then t over one channel in one pass (bit-identical to two runSection calls). */
  private runSections2x1(
    s: number,
    t: number,
    x: Float64Array,
    st: Float64Array,
    pos: number,
    n: number,
  ): void {
    const cur = this.cur;
    const o = 5 * s;
    const b0 = cur[o];
    const b1 = cur[o + 1];
    const b2 = cur[o + 2];
    const a1 = cur[o + 3];
    const a2 = cur[o + 4];
    const u = 5 * t;
    const c0 = cur[u];
    const c1 = cur[u + 1];
    const c2 = cur[u + 2];
    const d1 = cur[u + 3];
    const d2 = cur[u + 4];
    let p1 = st[2 * s];
    let p2 = st[2 * s + 1];
    let r1 = st[2 * t];
    let r2 = st[2 * t + 1];
    const end = pos + n;
    for (let i = pos; i < end; i++) {
      const xi = x[i];
      const yi = b0 * xi + p1;
      p1 = b1 * xi - a1 * yi + p2;
      p2 = b2 * xi - a2 * yi;
      const yo = c0 * yi + r1;
      r1 = c1 * yi - d1 * yo + r2;
      r2 = c2 * yi - d2 * yo;
      x[i] = yo;
    }
    st[2 * s] = p1;
    st[2 * s + 1] = p2;
    st[2 * t] = r1;
    st[2 * t + 1] = r2;
  }

  /** One section while gliding: coefficients at glide sample m are from + (to − from)·(m + 1)/length. */
  private glideSection(s: number, x: Float64Array, st: Float64Array, pos: number, n: number): void {
    const o = 5 * s;
    const f = this.from;
    const t = this.to;
    const fb0 = f[o];
    const fb1 = f[o + 1];
    const fb2 = f[o + 2];
    const fa1 = f[o + 3];
    const fa2 = f[o + 4];
    const db0 = t[o] - fb0;
    const db1 = t[o + 1] - fb1;
    const db2 = t[o + 2] - fb2;
    const da1 = t[o + 3] - fa1;
    const da2 = t[o + 4] - fa2;
    const inv = 1 / this.glideLength;
    let m = this.glidePos + 1;
    let s1 = st[2 * s];
    let s2 = st[2 * s + 1];
    const end = pos + n;
    for (let i = pos; i < end; i++, m++) {
      const u = m * inv;
      const xi = x[i];
      const yi = (fb0 + db0 * u) * xi + s1;
      s1 = (fb1 + db1 * u) * xi - (fa1 + da1 * u) * yi + s2;
      s2 = (fb2 + db2 * u) * xi - (fa2 + da2 * u) * yi;
      x[i] = yi;
    }
    st[2 * s] = s1;
    st[2 * s + 1] = s2;
  }

  private updateActive(): void {
    const cur = this.cur;
    const f = this.from;
    const t = this.to;
    const isId = (a: Float64Array, o: number) =>
      a[o] === 1 && a[o + 1] === 0 && a[o + 2] === 0 && a[o + 3] === 0 && a[o + 4] === 0;
    let n = 0;
    for (let s = 0; s < this.sections; s++) {
      const o = 5 * s;
      const identity = this.gliding ? isId(f, o) && isId(t, o) : isId(cur, o);
      if (identity) {
        // An identity section's state would be zero after one sample; clear it so a later glide starts clean.
        for (const st of this.state) {
          st[2 * s] = 0;
          st[2 * s + 1] = 0;
        }
      } else this.active[n++] = s;
    }
    this.activeCount = n;
  }

  private grow(sections: number): void {
    const old = this.sections;
    const grow = (a: Float64Array): Float64Array => {
      const b = identityArray(sections);
      b.set(a.subarray(0, 5 * old));
      return b;
    };
    this.cur = grow(this.cur);
    this.from = grow(this.from);
    this.to = grow(this.to);
    this.state = this.state.map((s) => {
      const t = new Float64Array(2 * sections);
      t.set(s);
      return t;
    });
    this.active = new Int32Array(sections);
    this.sections = sections;
  }
}

function identityArray(sections: number): Float64Array {
  const a = new Float64Array(5 * sections);
  for (let s = 0; s < sections; s++) a[5 * s] = 1;
  return a;
}
