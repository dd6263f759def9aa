/**
 * A channel strip as the renderer runs it: polarity, insert chain (with automated parameters), fader, pan,
 * pre/post-fader sends and the output, each edge delayed so every input of a bus arrives sample-aligned.
 */
import { dbToGain } from "../core/db.ts";
import type { Chain } from "../dsp/chain.ts";
import { processorFactory } from "../dsp/chain.ts";
import { AutomationCurve, parseAutomationTarget } from "../session/automation.ts";
import type { AutomationLane } from "../session/schema.ts";
import type { FixedDelay } from "./delay.ts";
import { monoPan, stereoBalance } from "./pan.ts";

/** Parameter automation is applied at this granularity (samples); processors smooth between updates. */
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
}

interface ParamLane {
  index: number;
  param: string;
  curve: AutomationCurve;
  min: number;
  max: number;
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

  constructor(cfg: StripConfig) {
    this.id = cfg.id;
    this.kind = cfg.kind;
    this.name = cfg.name;
    this.chain = cfg.chain;
    this.sr = cfg.sampleRate;
    this.polarity = cfg.polarity;
    const n = cfg.blockFrames;
    const buf = (ch: number) => Array.from({ length: ch }, () => new Float32Array(n));
    this.input = buf(cfg.channels);
    this.post = buf(2);
    this.tmp = buf(2);
    this.chainOut = buf(Math.max(1, cfg.chain.outputChannels));
    this.vol = new Float32Array(n);
    this.panBuf = new Float32Array(n);
    this.gl = new Float32Array(n);
    this.gr = new Float32Array(n);
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
    const inp = this.input;
    if (this.polarity) for (const x of inp) for (let i = 0; i < n; i++) x[i] = -x[i];
    const p = this.runChain(inp, k + origin - this.inArrival, n);
    const pc = Math.min(2, this.chain.outputChannels);
    const tf = k + origin - this.outArrival; // timeline time at the fader
    // Pan gains (per sample or constant) then fader.
    const gl = this.gl;
    const gr = this.gr;
    const lr = { l: 0, r: 0 };
    const law = pc === 1 ? monoPan : stereoBalance;
    const panConst = this.pan.fill(this.panBuf, tf, n, this.sr);
    if (panConst) {
      law(this.panBuf[0], lr);
      gl.fill(lr.l, 0, n);
      gr.fill(lr.r, 0, n);
    } else {
      for (let i = 0; i < n; i++) {
        law(this.panBuf[i], lr);
        gl[i] = lr.l;
        gr[i] = lr.r;
      }
    }
    const x0 = p[0];
    const x1 = p[pc - 1];
    // Pre-fader sends see the panned signal without the fader.
    for (const s of this.sends) if (s.pre) this.feed(s, x0, x1, gl, gr, null, tf, n);
    const volConst = this.volume.fill(this.vol, tf, n, this.sr);
    const vol = this.vol;
    const L = this.post[0];
    const R = this.post[1];
    if (volConst) {
      const g = dbToGain(vol[0]);
      for (let i = 0; i < n; i++) {
        L[i] = x0[i] * g * gl[i];
        R[i] = x1[i] * g * gr[i];
      }
    } else {
      for (let i = 0; i < n; i++) {
        const g = dbToGain(vol[i]);
        L[i] = x0[i] * g * gl[i];
        R[i] = x1[i] * g * gr[i];
      }
    }
    for (const s of this.sends) if (!s.pre) this.feed(s, L, R, null, null, null, tf, n);
    this.feed(this.output, L, R, null, null, 1, tf, n);
  }

  /** Adds (a, b) × pan gains × level into an edge's destination, through its delay. */
  private feed(
    e: Edge,
    a: Float32Array,
    b: Float32Array,
    gl: Float32Array | null,
    gr: Float32Array | null,
    unity: number | null,
    tf: number,
    n: number,
  ): void {
    const t0 = this.tmp[0];
    const t1 = this.tmp[1];
    let levelConst = true;
    let g = 1;
    if (unity === null && e.level) {
      levelConst = e.level.fill(this.lvl, tf, n, this.sr);
      g = dbToGain(this.lvl[0]);
    }
    const lvl = this.lvl;
    for (let i = 0; i < n; i++) {
      const gi = levelConst ? g : dbToGain(lvl[i]);
      t0[i] = a[i] * gi * (gl ? gl[i] : 1);
      t1[i] = b[i] * gi * (gr ? gr[i] : 1);
    }
    if (e.delay) e.delay.process(this.tmp, n);
    const d0 = e.dest.input[0];
    const d1 = e.dest.input[1];
    for (let i = 0; i < n; i++) {
      d0[i] += t0[i];
      d1[i] += t1[i];
    }
  }

  /** The chain over `n` samples; automated parameters are set every PARAM_STEP samples. */
  private runChain(inp: Float32Array[], t: number, n: number): Float32Array[] {
    if (this.paramLanes.length === 0) return this.chain.process(inp, n);
    const out = this.chainOut;
    for (let s = 0; s < n; s += PARAM_STEP) {
      const m = Math.min(PARAM_STEP, n - s);
      for (const lane of this.paramLanes) {
        const v = Math.min(lane.max, Math.max(lane.min, lane.curve.valueAt((t + s) / this.sr)));
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
