/**
 * A channel strip as the renderer runs it: polarity, insert chain (with automated parameters), fader, pan,
 * pre/post-fader sends and the output, each edge delayed so every input of a bus arrives sample-aligned.
 */
import { fastExp } from "../core/fast-math.ts";
import { isPlusZero } from "../core/silence.ts";
import type { Chain } from "../dsp/chain.ts";
import { processorFactory } from "../dsp/chain.ts";
import { AutomationCurve, parseAutomationTarget } from "../session/automation.ts";
import type { AutomationLane } from "../session/schema.ts";
import type { FixedDelay } from "./delay.ts";
import type { MixMemory } from "./mix-memory.ts";
import { monoPan, stereoBalance } from "./pan.ts";

/** ln(10)/20: dB → natural-log gain. */
const DB_LN = Math.LN10 / 20;

/**
 * A fader, send or master level in dB → the linear gain the mixer multiplies by: −144 dB and below is 0 (the
 * fader's floor), and the gain is a float32 value, as in the per-sample buffers of automated levels. Constant
 * and automated stretches then use identical gains, so the output does not depend on where blocks fall.
 */
export function mixGain(db: number): number {
  return Math.fround(db <= -144 ? 0 : fastExp(db * DB_LN));
}

/** Converts dB values in place to `mixGain` gains. */
function toGains(x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) x[i] = x[i] <= -144 ? 0 : fastExp(x[i] * DB_LN);
}

/**
 * Parameter automation is applied at this granularity (samples, at timeline multiples of it); processors smooth
 * between updates.
 */
export const PARAM_STEP = 64;

/** An automatable value: a constant or a curve. */
export class Automatable {
  readonly curve: AutomationCurve | null;
  constructor(
    readonly constant: number,
    lane: AutomationLane | undefined,
  ) {
    this.curve = lane ? new AutomationCurve(lane.points) : null;
  }

  /** Fills `out` with values for timeline samples t … t + n; returns true when constant (then out[0] holds it). */
  fill(out: Float32Array, t: number, n: number, sampleRate: number): boolean {
    if (!this.curve) {
      out[0] = this.constant;
      return true;
    }
    return this.curve.fill(out, t, n, sampleRate);
  }
}

/** Where a strip's signal goes: a bus input, with the delay that aligns it there. */
export interface Edge {
  /** The destination's input buffers (a bus or the master), summed into. */
  dest: { readonly input: Float32Array[] };
  /**
   * When set, the edge overwrites these every block (its own buffers, summed into `dest` later by the renderer
   * in a fixed order, so results do not depend on which thread rendered the strip); otherwise it adds straight
   * into `dest.input`.
   */
  target?: Float32Array[];
  delay: FixedDelay | null;
  /** For sends: level (dB) and tap point. */
  level: Automatable | null;
  pre: boolean;
  bus: string;
}

export interface StripConfig {
  id: string;
  kind: "track" | "bus";
  name: string;
  /** Channels going into the chain (1 or 2). */
  channels: number;
  chain: Chain;
  polarity: boolean;
  volumeDb: number;
  pan: number;
  automation: readonly AutomationLane[];
  sampleRate: number;
  blockFrames: number;
  /** Skip silent blocks into a chain at rest (default true; the output is the same either way). */
  skipSilence?: boolean;
  /**
   * The renderer's mix arena: the strip's input and output buffers are made there (while it has room), and
   * its output and sends are added into buses there by the arena's kernel.
   */
  mix?: MixMemory | null;
}

interface ParamLane {
  index: number;
  param: string;
  curve: AutomationCurve;
  min: number;
  max: number;
  /** The value set last (NaN before the first). */
  last: number;
}

export class Strip {
  readonly id: string;
  readonly kind: "track" | "bus";
  readonly name: string;
  readonly chain: Chain;
  /** Input buffers (tracks fill them, buses accumulate into them). */
  readonly input: Float32Array[];
  /** Post-fader, post-pan stereo output of the last block. */
  readonly post: Float32Array[];
  /** Output edge (to a bus or the master). */
  output!: Edge;
  readonly sends: Edge[] = [];
  /** Samples from the timeline to this strip's chain input, and to its fader. */
  inArrival = 0;
  outArrival = 0;
  audible = true;

  private readonly sr: number;
  private readonly polarity: boolean;
  private readonly volume: Automatable;
  private readonly pan: Automatable;
  private readonly paramLanes: ParamLane[] = [];
  private readonly laneByTarget: Map<string, AutomationLane>;
  private readonly vol: Float32Array;
  private readonly panBuf: Float32Array;
  private readonly gl: Float32Array;
  private readonly gr: Float32Array;
  private readonly lvl: Float32Array;
  private readonly tmp: Float32Array[];
  private readonly chainOut: Float32Array[];
  /** Where the fader kernel reads a chain's output that is not in the mix arena. */
  private readonly chainCopy: Float32Array[];
  /** sendPost's batch: up to three sinks' left/right buffers and their gains. */
  private readonly fuseOut: Float32Array[] = [];
  private readonly fuseGain = new Float64Array(3);
  private readonly skipSilence: boolean;
  private readonly mix: MixMemory | null;
  /** Never written: the chain's output for a skipped silent block. */
  private readonly silence: Float32Array[];
  /** `input` as 32-bit words: a block of +0 is all zero words. */
  private readonly inputBits: Int32Array[];
  /** 32-bit views of the chain's output buffers (see bitsOf). */
  private readonly wordViews = new Map<Float32Array, Int32Array>();
  /** Set by prepare for emit: the chain's output, the pan and the fader's timeline position. */
  private pending: {
    x0: Float32Array;
    x1: Float32Array;
    panConst: boolean;
    pl: number;
    pr: number;
    tf: number;
    /** The block is silence (+0) throughout: nothing to add (see prepare). */
    silent: boolean;
  } | null = null;

  /** Buffers a strip with `channels` input channels takes from a mix arena (see StripConfig.mix). */
  static mixBuffers(channels: number): number {
    return channels + 7;
  }

  constructor(cfg: StripConfig) {
    this.id = cfg.id;
    this.kind = cfg.kind;
    this.name = cfg.name;
    this.chain = cfg.chain;
    this.sr = cfg.sampleRate;
    this.polarity = cfg.polarity;
    const n = cfg.blockFrames;
    const buf = (ch: number) => Array.from({ length: ch }, () => new Float32Array(n));
    this.mix = cfg.mix ?? null;
    const mixBuf = (ch: number) =>
      Array.from({ length: ch }, () => this.mix?.alloc(n) ?? new Float32Array(n));
    this.input = mixBuf(cfg.channels);
    this.post = mixBuf(2);
    // The fader's gains, and copies of a chain's output that lives outside the arena, for the fader kernel.
    [this.vol, this.gl, this.gr] = mixBuf(3);
    this.chainCopy = mixBuf(2);
    this.tmp = buf(2);
    this.chainOut = buf(Math.max(1, cfg.chain.outputChannels));
    this.silence = buf(2);
    this.skipSilence = cfg.skipSilence ?? true;
    this.chain.skipSilentInput = this.skipSilence;
    this.inputBits = this.input.map((x) => new Int32Array(x.buffer, x.byteOffset, x.length));
    for (let i = 0; i < 6; i++) this.fuseOut.push(this.post[i & 1]);
    this.panBuf = new Float32Array(n);
    this.lvl = new Float32Array(n);
    this.laneByTarget = new Map(cfg.automation.map((l) => [l.target, l]));
    this.volume = new Automatable(cfg.volumeDb, this.laneByTarget.get("volume"));
    this.pan = new Automatable(cfg.pan, this.laneByTarget.get("pan"));
    for (const lane of cfg.automation) {
      const t = parseAutomationTarget(lane.target);
      if (t?.kind !== "insert") continue;
      const p = this.chain.processors[t.index];
      const spec = p && processorFactory(p.type)?.specs[t.param];
      if (spec?.kind !== "number") continue;
      this.paramLanes.push({
        index: t.index,
        param: t.param,
        curve: new AutomationCurve(lane.points),
        min: spec.min,
        max: spec.max,
        last: Number.NaN,
      });
    }
  }

  /** The automation lane for a send to `bus`, if any. */
  sendLane(bus: string): AutomationLane | undefined {
    return this.laneByTarget.get(`send.${bus}`);
  }

  /**
   * Runs the strip over `n` samples whose first sample sits at processing clock `k` (timeline sample `k + origin`)
   * and adds its output and sends into their destinations.
   */
  process(k: number, origin: number, n: number): void {
    this.prepare(k, origin, n);
    this.emit(n);
  }

  /**
   * The first half of `process`: chain, pan and fader into `post`, adding nothing anywhere yet. `emit` then adds
   * the block into the destinations; in between, the renderer may sum other strips first (so that every bus
   * receives its inputs in track order whichever thread rendered them).
   */
  prepare(k: number, origin: number, n: number): void {
    const inp = this.input;
    if (this.polarity) for (const x of inp) for (let i = 0; i < n; i++) x[i] = -x[i];
    if (this.silentBlock(k + origin - this.outArrival, n)) return;
    const p = this.runChain(inp, k + origin - this.inArrival, n);
    const pc = Math.min(2, this.chain.outputChannels);
    const tf = k + origin - this.outArrival; // timeline time at the fader
    if (this.silentOutput(p[0], p[pc - 1], tf, n)) return;
    const x0 = p[0];
    const x1 = p[pc - 1];
    // Pan: constant gains, or per-sample gains in gl/gr.
    const gl = this.gl;
    const gr = this.gr;
    const lr = { l: 0, r: 0 };
    // Two direct calls, not one through a variable: a mono strip and a stereo one in the same thread made that
    // call site polymorphic, and the optimised prepare was thrown away on meeting the second law.
    const mono = pc === 1;
    const panConst = this.pan.fill(this.panBuf, tf, n, this.sr);
    if (panConst) {
      if (mono) monoPan(this.panBuf[0], lr);
      else stereoBalance(this.panBuf[0], lr);
    } else {
      for (let i = 0; i < n; i++) {
        if (mono) monoPan(this.panBuf[i], lr);
        else stereoBalance(this.panBuf[i], lr);
        gl[i] = lr.l;
        gr[i] = lr.r;
      }
    }
    // Float32 like the per-sample pan gains in gl/gr, so constant and moving pans multiply alike.
    const pl = Math.fround(lr.l);
    const pr = Math.fround(lr.r);
    // What emit needs: the pre-fader sends see the panned chain output without the fader.
    this.pending = { x0, x1, panConst, pl, pr, tf, silent: false };
    // Fader: a constant gain, or per-sample gains (dB → linear) in vol.
    const vol = this.vol;
    const volConst = this.volume.fill(vol, tf, n, this.sr);
    const gv = volConst ? mixGain(vol[0]) : 1;
    if (!volConst) toGains(vol, n);
    const L = this.post[0];
    const R = this.post[1];
    const mix = this.mix;
    if (mix?.owns(L) && mix.owns(R) && mix.owns(vol) && mix.owns(gl) && mix.owns(gr)) {
      // The same products in the arena's kernel, two samples a turn.
      const a0 = this.inArena(mix, x0, 0, n);
      const a1 = x1 === x0 ? a0 : this.inArena(mix, x1, 1, n);
      const va = volConst ? null : vol;
      mix.fader(a0, va, gv, panConst ? null : gl, pl, L, n);
      mix.fader(a1, va, gv, panConst ? null : gr, pr, R, n);
      return;
    }
    // Every branch multiplies in the same order, x · fader · pan, so results agree across them.
    if (panConst && volConst) {
      for (let i = 0; i < n; i++) {
        L[i] = x0[i] * gv * pl;
        R[i] = x1[i] * gv * pr;
      }
    } else if (panConst) {
      for (let i = 0; i < n; i++) {
        L[i] = x0[i] * vol[i] * pl;
        R[i] = x1[i] * vol[i] * pr;
      }
    } else if (volConst) {
      for (let i = 0; i < n; i++) {
        L[i] = x0[i] * gv * gl[i];
        R[i] = x1[i] * gv * gr[i];
      }
    } else {
      for (let i = 0; i < n; i++) {
        L[i] = x0[i] * vol[i] * gl[i];
        R[i] = x1[i] * vol[i] * gr[i];
      }
    }
  }

  /** `x` itself when it is in the arena, else its first `n` samples copied into chainCopy[c]. */
  private inArena(mix: MixMemory, x: Float32Array, c: number, n: number): Float32Array {
    if (mix.owns(x)) return x;
    const y = this.chainCopy[c];
    y.set(x.subarray(0, n));
    return y;
  }

  /**
   * A block of silence (+0) into a chain at rest would come out as silence and change nothing: skip the chain,
   * the pan and the fader (digital silence between phrases and sections is common; a skipped block costs one
   * scan of the input). Chains with automated parameters are always run, so their parameter steps stay where
   * they are. Returns true when the block was skipped (post is zeros, emit adds nothing).
   */
  private silentBlock(tf: number, n: number): boolean {
    if (!this.skipSilence || this.paramLanes.length > 0 || !this.chain.quiescent) return false;
    for (const b of this.inputBits) if (!isPlusZero(b, n)) return false;
    this.chain.skip(n);
    this.post[0].fill(0, 0, n);
    this.post[1].fill(0, 0, n);
    const z = this.silence[0];
    this.pending = { x0: z, x1: z, panConst: true, pl: 1, pr: 1, tf, silent: true };
    return true;
  }

  /**
   * The chain put out silence (+0) throughout — a source between phrases while a compressor still recovers, or
   * once a filter's tail has been flushed to zero: the fader, the pan and every send (all gains ≥ 0) would turn
   * it into +0 again, which adds nothing anywhere, so they are skipped as for a silent block into a chain at
   * rest. Returns true when skipped (post is zeros, emit adds nothing).
   */
  private silentOutput(x0: Float32Array, x1: Float32Array, tf: number, n: number): boolean {
    if (!this.skipSilence) return false;
    if (!isPlusZero(this.bitsOf(x0), n) || (x1 !== x0 && !isPlusZero(this.bitsOf(x1), n))) return false;
    this.post[0].fill(0, 0, n);
    this.post[1].fill(0, 0, n);
    const z = this.silence[0];
    this.pending = { x0: z, x1: z, panConst: true, pl: 1, pr: 1, tf, silent: true };
    return true;
  }

  /** `x` as 32-bit words (views kept per buffer: a chain hands out the same few buffers every block). */
  private bitsOf(x: Float32Array): Int32Array {
    let b = this.wordViews.get(x);
    if (!b) {
      if (this.wordViews.size >= 8) this.wordViews.clear(); // buffers replaced: drop the old views
      b = new Int32Array(x.buffer, x.byteOffset, x.length);
      this.wordViews.set(x, b);
    }
    return b;
  }

  /** The second half of `process`: pre-fader sends, post-fader sends and the output, in that order. */
  emit(n: number): void {
    const p = this.pending;
    if (!p) throw new Error(`strip ${this.id}: emit before prepare`);
    this.pending = null;
    if (p.silent) {
      // Adding +0 changes no sum (a sum that starts at +0 is never −0), so only what must move moves: edges'
      // own targets are overwritten with zeros, and delayed edges push zeros through their delay lines.
      for (const e of [...this.sends, this.output]) {
        if (e.delay) this.send(e, p.x0, p.x1, null, null, 1, 1, p.tf, n);
        else if (e.target) for (const x of e.target) x.fill(0, 0, n);
      }
      return;
    }
    for (const s of this.sends) {
      if (s.pre) {
        this.send(
          s,
          p.x0,
          p.x1,
          p.panConst ? null : this.gl,
          p.panConst ? null : this.gr,
          p.pl,
          p.pr,
          p.tf,
          n,
        );
      }
    }
    this.sendPost(this.post[0], this.post[1], p.tf, n);
  }

  /** Post-fader sends (in order) then the output, from the fader's stereo output L/R. */
  private sendPost(L: Float32Array, R: Float32Array, tf: number, n: number): void {
    // Edges with a constant level and no delay add straight into their sinks; up to three of them share one pass
    // over L/R. Each sink still receives its edges in the original order, so sums are bit-identical.
    const outs = this.fuseOut;
    const gains = this.fuseGain;
    let k = 0;
    // A batch either adds into shared sinks or overwrites edges' own targets (see Edge.target).
    let store = false;
    for (let j = 0; j <= this.sends.length; j++) {
      const e = j < this.sends.length ? this.sends[j] : this.output;
      if (j < this.sends.length && e.pre) continue;
      // Constant level (filled as Float32, as send() reads it) and no delay, or else the general path — after
      // the batch so far, keeping the order.
      const simple = e.delay === null && (!e.level || e.level.fill(this.lvl, tf, n, this.sr));
      if (!simple) {
        k = flushBatch(L, R, outs, gains, k, n, store, this.mix);
        this.send(e, L, R, null, null, 1, 1, tf, n);
        continue;
      }
      const g = e.level ? mixGain(this.lvl[0]) : 1;
      const own = e.target !== undefined;
      if (k > 0 && own !== store) k = flushBatch(L, R, outs, gains, k, n, store, this.mix);
      store = own;
      const sink = e.target ?? e.dest.input;
      outs[2 * k] = sink[0];
      outs[2 * k + 1] = sink[1];
      gains[k] = g;
      if (++k === 3) k = flushBatch(L, R, outs, gains, k, n, store, this.mix);
    }
    flushBatch(L, R, outs, gains, k, n, store, this.mix);
  }

  /**
   * Adds (a × left gain, b × right gain) × the edge's level into its destination, through its delay. Gains are
   * per sample (al/ar) or constant (sl/sr).
   */
  private send(
    e: Edge,
    a: Float32Array,
    b: Float32Array,
    al: Float32Array | null,
    ar: Float32Array | null,
    sl: number,
    sr: number,
    tf: number,
    n: number,
  ): void {
    const lvl = this.lvl;
    let levelConst = true;
    let g = 1;
    if (e.level) {
      levelConst = e.level.fill(lvl, tf, n, this.sr);
      if (levelConst) g = mixGain(lvl[0]);
      else toGains(lvl, n);
    }
    const delayed = e.delay !== null;
    const sink = e.target ?? e.dest.input;
    const o0 = delayed ? this.tmp[0] : sink[0];
    const o1 = delayed ? this.tmp[1] : sink[1];
    // The delay's scratch, or the edge's own target (overwritten each block), starts from silence.
    if (delayed || e.target) {
      o0.fill(0, 0, n);
      o1.fill(0, 0, n);
    }
    // Products rounded to float32 before adding, as an edge writing its own target and summed later would
    // (see Edge.target): one thread or several, the sums are bit-identical.
    const f = Math.fround;
    if (!al || !ar) {
      if (levelConst) {
        for (let i = 0; i < n; i++) {
          o0[i] += f(a[i] * g * sl);
          o1[i] += f(b[i] * g * sr);
        }
      } else {
        for (let i = 0; i < n; i++) {
          o0[i] += f(a[i] * lvl[i] * sl);
          o1[i] += f(b[i] * lvl[i] * sr);
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const gi = levelConst ? g : lvl[i];
        o0[i] += f(a[i] * gi * al[i]);
        o1[i] += f(b[i] * gi * ar[i]);
      }
    }
    if (delayed) {
      e.delay!.process(this.tmp, n);
      const d0 = sink[0];
      const d1 = sink[1];
      if (e.target) {
        d0.set(o0.subarray(0, n));
        d1.set(o1.subarray(0, n));
      } else {
        for (let i = 0; i < n; i++) {
          d0[i] += o0[i];
          d1[i] += o1[i];
        }
      }
    }
  }

  /** The chain over `n` samples; automated parameters are set every PARAM_STEP samples. */
  private runChain(inp: Float32Array[], t: number, n: number): Float32Array[] {
    if (this.paramLanes.length === 0) return this.chain.process(inp, n);
    const out = this.chainOut;
    // Steps fall on timeline multiples of PARAM_STEP, not on block edges, so any block size gives the same bits.
    for (let s = 0, m = 0; s < n; s += m) {
      const into = (((t + s) % PARAM_STEP) + PARAM_STEP) % PARAM_STEP;
      m = Math.min(PARAM_STEP - into, n - s);
      // The value at the step's grid point (a block may start mid-step); set only when it changed.
      const at = (t + s - into) / this.sr;
      for (const lane of this.paramLanes) {
        const v = Math.min(lane.max, Math.max(lane.min, lane.curve.valueAt(at)));
        if (v === lane.last) continue;
        lane.last = v;
        this.chain.processors[lane.index].setParams({ [lane.param]: v });
      }
      const y = this.chain.process(
        inp.map((x) => x.subarray(s, s + m)),
        m,
      );
      for (let c = 0; c < out.length; c++) out[c].set(y[Math.min(c, y.length - 1)].subarray(0, m), s);
    }
    return out;
  }
}

/**
 * Adds (or, with `store`, writes) a batch of k (0 … 3) sinks; returns 0 (the batch is then empty). Adds run
 * in the mix arena's kernel when every buffer is there (each sink still receives its edges in order).
 */
function flushBatch(
  a: Float32Array,
  b: Float32Array,
  o: Float32Array[],
  g: Float64Array,
  k: number,
  n: number,
  store: boolean,
  mix: MixMemory | null,
): number {
  if (!store && mix && k > 0 && mix.owns(a) && mix.owns(b) && ownsSinks(mix, o, k)) {
    for (let j = 0; j < k; j++) {
      mix.addScaled(a, o[2 * j], g[j], n);
      mix.addScaled(b, o[2 * j + 1], g[j], n);
    }
  } else if (store && k === 3) storeScaled3(a, b, o, g, n);
  else if (store) {
    // Own targets: x·g overwrites (the same float32 values as adding into zeros).
    for (let j = 0; j < k; j++) {
      const gj = g[j];
      const o0 = o[2 * j];
      const o1 = o[2 * j + 1];
      for (let i = 0; i < n; i++) {
        o0[i] = a[i] * gj;
        o1[i] = b[i] * gj;
      }
    }
  } else if (k === 3) addScaled3(a, b, o, g, n);
  else if (k === 2) addScaled2(a, b, o, g, n);
  else if (k === 1) addScaled1(a, b, o, g, n);
  return 0;
}

function ownsSinks(mix: MixMemory, o: Float32Array[], k: number): boolean {
  for (let j = 0; j < 2 * k; j++) if (!mix.owns(o[j])) return false;
  return true;
}

/**
 * o[0] += a·g[0], o[1] += b·g[0] over n samples, each product rounded to float32 first (what an edge with its
 * own target stores), so adding straight into a bus gives the same bits as the multi-thread path.
 */
function addScaled1(a: Float32Array, b: Float32Array, o: Float32Array[], g: Float64Array, n: number): void {
  const f = Math.fround;
  const o0 = o[0];
  const o1 = o[1];
  const g0 = g[0];
  for (let i = 0; i < n; i++) {
    o0[i] += f(a[i] * g0);
    o1[i] += f(b[i] * g0);
  }
}

/** addScaled1 for two sinks (o[0], o[1]) and (o[2], o[3]), in that order. */
function addScaled2(a: Float32Array, b: Float32Array, o: Float32Array[], g: Float64Array, n: number): void {
  const f = Math.fround;
  const o0 = o[0];
  const o1 = o[1];
  const o2 = o[2];
  const o3 = o[3];
  const g0 = g[0];
  const g1 = g[1];
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    o0[i] += f(x * g0);
    o1[i] += f(y * g0);
    o2[i] += f(x * g1);
    o3[i] += f(y * g1);
  }
}

/** addScaled1 for three sinks, in order. */
function addScaled3(a: Float32Array, b: Float32Array, o: Float32Array[], g: Float64Array, n: number): void {
  const f = Math.fround;
  const o0 = o[0];
  const o1 = o[1];
  const o2 = o[2];
  const o3 = o[3];
  const o4 = o[4];
  const o5 = o[5];
  const g0 = g[0];
  const g1 = g[1];
  const g2 = g[2];
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    o0[i] += f(x * g0);
    o1[i] += f(y * g0);
    o2[i] += f(x * g1);
    o3[i] += f(y * g1);
    o4[i] += f(x * g2);
    o5[i] += f(y * g2);
  }
}

/** Writes a·g[j], b·g[j] into three sinks (o[2j], o[2j + 1]) in one pass. */
function storeScaled3(a: Float32Array, b: Float32Array, o: Float32Array[], g: Float64Array, n: number): void {
  const o0 = o[0];
  const o1 = o[1];
  const o2 = o[2];
  const o3 = o[3];
  const o4 = o[4];
  const o5 = o[5];
  const g0 = g[0];
  const g1 = g[1];
  const g2 = g[2];
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    o0[i] = x * g0;
    o1[i] = y * g0;
    o2[i] = x * g1;
    o3[i] = y * g1;
    o4[i] = x * g2;
    o5[i] = y * g2;
  }
}
