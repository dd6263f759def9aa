/**
 * The offline mix renderer. Builds the signal graph of a session (tracks → groups/aux buses → master), pads
 * every parallel path with whole-sample delays so all inputs of a bus arrive aligned whatever the inserts'
 * latencies, and streams the mix and stems block by block. Memory does not depend on the song's length, and
 * the same session renders bit-identically every time and whatever the block size or the number of threads
 * rendering tracks (no randomness, no timing; sums in track order; gains computed alike everywhere). Blocks of
 * digital silence into insert chains at rest are skipped, with the same result.
 */
import { type Chain, parseChain } from "../dsp/chain.ts";
import { SessionError } from "../session/problems.ts";
import type { Session } from "../session/schema.ts";
import { TempoMap } from "../session/tempo-map.ts";
import { FixedDelay } from "./delay.ts";
import { MixMemory } from "./mix-memory.ts";
import type { SourceProvider } from "./source.ts";
import { Automatable, type Edge, mixGain, Strip } from "./strip.ts";
import { TrackPlayer } from "./track-player.ts";

export interface RenderOptions {
  /** First second of the timeline to render (default 0). */
  start?: number;
  /** Second to stop at (default: where the last clip ends, plus `tailSeconds`). */
  end?: number;
  /** Render one arrangement section by name (overrides start/end). */
  section?: string;
  /** Seconds rendered past the end so reverbs and delays ring out (default 0). */
  tailSeconds?: number;
  /**
   * Seconds processed before `start` and thrown away, so effects carry their state into the range as in a full
   * render (default 0: the range starts from silence in every effect).
   */
  preRollSeconds?: number;
  /**
   * Samples per block (default `DEFAULT_BLOCK`). The output does not depend on it.
   */
  blockFrames?: number;
  /**
   * Memory for the tracks' outputs and stems (`SessionRenderer.trackMemoryBytes` bytes), e.g. a SharedArrayBuffer
   * that worker threads rendering some of the tracks write into. Allocated (TRACK_MEMORY_SLOTS slots) when not
   * given; otherwise it holds as many slots as fit (see `trackMemoryBytes`), the same for every renderer sharing
   * it.
   */
  trackMemory?: ArrayBufferLike;
  /** Tracks rendered elsewhere (worker threads): the renderer skips them and awaits `run` each block. */
  remoteTracks?: RemoteTracks;
  /**
   * Render stems too (default true). Without them `RenderedBlock.stems` is empty and the render is cheaper.
   * A worker rendering tracks for a renderer that makes stems must make them too.
   */
  stems?: boolean;
  /**
   * Skip blocks of digital silence into insert chains at rest (default true): the output is bit-identical,
   * only faster. false runs every chain on every block.
   */
  skipSilence?: boolean;
  /**
   * true: every track writes its outputs into its own buffers in `trackMemory` (a worker whose tracks another
   * renderer sums); false: tracks add straight into the buses. Default: straight in, except remote tracks past
   * `RemoteTracks.prefix`, whose buffers this renderer sums. The sums are bit-identical every way.
   */
  separateTrackOutputs?: boolean;
  /**
   * Keep the mixer's buffers in a WebAssembly arena and add strips into buses there, four samples at a time
   * (default true, where the host has WebAssembly SIMD); false uses ordinary arrays and TypeScript loops. The
   * output is bit-identical either way.
   */
  mixKernel?: boolean;
}

/**
 * Tracks another thread renders into the shared `trackMemory`. Every bus must receive its tracks in track order
 * (float addition is not associative), so the tracks are split in ranges: the remote thread owning tracks
 * `0 … prefix − 1` sums them itself (`SessionRenderer.renderTrackSums`, into the partial sums); the other
 * remote tracks deliver one buffer per edge (`renderTracks`), which this renderer adds next; its own tracks,
 * which must come after all remote ones, are added last. Any other split falls back to summing every track's
 * buffers here, in order.
 */
export interface RemoteTracks {
  /** Track indices rendered remotely. */
  indices: readonly number[];
  /** Tracks 0 … prefix − 1 arrive already summed (default 0). They must be among `indices`. */
  prefix?: number;
  /**
   * Renders those tracks for processing clock `k`, `n` frames; resolves when their buffers are written. Blocks
   * are asked for up to (slots in track memory) − 1 ahead, before earlier ones resolved: render them in order.
   */
  run(k: number, n: number): Promise<void>;
}

/** One stem: a track or bus after its fader, as it feeds its destination. */
export interface StemInfo {
  id: string;
  kind: "track" | "bus";
  name: string;
  /** Where it goes: `master` or a bus id. Stems that feed `master` sum to the mix when the master has no inserts. */
  feeds: string;
  /** False when muted or silenced by someone else's solo. */
  audible: boolean;
}

/** A block of output. Arrays are reused by the next call: copy what must be kept. */
export interface RenderedBlock {
  frames: number;
  /** Stereo mix [left, right]. */
  mix: Float32Array[];
  /** Stereo stems in the order of `SessionRenderer.stems`. */
  stems: Float32Array[][];
}

/**
 * Default samples per block. The output does not depend on it (constant and automated gains are computed alike
 * and parameter automation steps on the timeline; renderer.test.ts checks 64 … 8192), only speed and memory do.
 */
export const DEFAULT_BLOCK = 4096;

/**
 * Blocks of track memory by default: remote threads may render up to the slots there are minus one blocks ahead
 * of the mixer.
 */
export const TRACK_MEMORY_SLOTS = 3;

/** One slot of track memory: every track's edge outputs and stem, and the partial sums, for one block. */
interface MemorySlot {
  /** Per track, per edge (output, then sends): [left, right]. */
  targets: Float32Array[][][];
  stems: Float32Array[][];
  partial: Float32Array[][];
  sums: { dest: Float32Array[]; from: Float32Array[][] }[];
  stemBufs: Float32Array[][];
}

export class SessionRenderer {
  readonly sampleRate: number;
  /** First timeline sample rendered. */
  readonly startSample: number;
  /** Frames the render will produce. */
  readonly frames: number;
  /** Samples of latency compensated (from the sources to the master's output). */
  readonly latency: number;
  readonly stems: StemInfo[];

  private readonly players: TrackPlayer[];
  private readonly trackStrips: Strip[];
  private readonly busStrips: Strip[];
  private readonly masterChain: Chain;
  private readonly masterInput: Float32Array[];
  private readonly masterVolume: Automatable;
  private readonly stemDelays: FixedDelay[];
  /** Stems in the order of `stems` for the current slot (tracks' in track memory, then the buses'). */
  private stemBufs: Float32Array[][];
  /** The current slot's track stems. */
  private trackStems: Float32Array[][];
  /** Track memory is cut into slots; block k uses slot (k / blockFrames) mod slots. */
  private readonly slots: MemorySlot[];
  /** Session index of each bus strip (they run in dependency order). */
  private readonly busIndices: number[];
  private readonly remote: RemoteTracks | null;
  private readonly wantStems: boolean;
  /** Tracks writing their edges into their own buffers (summed by processBlock), per track. */
  private readonly stored: boolean[];
  /**
   * Local tracks are prepared first and added into the buses only after the remote partial sums and stored
   * tracks (they come last in track order); otherwise every track is stored and summed in order.
   */
  private readonly deferLocal: boolean;
  /** Remote tracks 0 … prefix − 1 arrive summed in `partial`. */
  private readonly prefix: number;
  /** Every bus input and the master input, in a fixed order (the partial sums mirror them). */
  private readonly destInputs: Float32Array[][];
  /** Partial sums of the prefix tracks per destination, in shared track memory (current slot). */
  private partial: Float32Array[][];
  private readonly localTracks: number[];
  private readonly mixBuf: Float32Array[];
  private readonly volBuf: Float32Array;
  private readonly block: number;
  /** Timeline sample at processing clock 0. */
  private readonly origin: number;
  /** Processing clock samples before the first output sample. */
  private readonly discard: number;
  private clock = 0;
  private emitted = 0;
  /**
   * Remote blocks asked for and not yet used, by processing clock: the remote threads work up to
   * slots − 1 blocks ahead (each block in its own slot), so neither side waits for the other's
   * slowest block.
   */
  private readonly inflight = new Map<number, Promise<void>>();
  /** Processing clock of the last remote block asked for. */
  private issued: number;
  /** Stored track outputs: what processBlock sums into each bus and the master (current slot). */
  private sums: { dest: Float32Array[]; from: Float32Array[][] }[] = [];

  private constructor(session: Session, provider: SourceProvider, opts: RenderOptions) {
    const sr = session.sampleRate;
    this.sampleRate = sr;
    const block = opts.blockFrames ?? DEFAULT_BLOCK;
    if (!(Number.isInteger(block) && block >= 16 && block <= 1 << 20)) {
      throw new RangeError(`blockFrames must be an integer 16 … 1048576, got ${block}`);
    }
    this.block = block;

    // The mixer's buffers (strips' inputs and outputs, the master's input) in one arena with an adding kernel.
    let buffers = 2; // the master's input
    for (const t of session.tracks) buffers += Strip.mixBuffers(t.channels);
    buffers += Strip.mixBuffers(2) * session.buses.length;
    const mix = opts.mixKernel === false ? null : MixMemory.create(buffers, buffers * block);
    // Strips, chains and players.
    const anySolo = session.tracks.some((t) => t.solo) || session.buses.some((b) => b.solo);
    this.players = session.tracks.map((t) => new TrackPlayer(t, session, provider, block));
    this.trackStrips = session.tracks.map(
      (t, i) =>
        new Strip({
          id: t.id,
          kind: "track",
          name: t.name || t.id,
          channels: t.channels,
          chain: parseChain(t.inserts, { sampleRate: sr, channels: t.channels }, `tracks[${i}].inserts`),
          polarity: t.polarity,
          volumeDb: t.volumeDb,
          pan: t.pan,
          automation: t.automation,
          sampleRate: sr,
          blockFrames: block,
          skipSilence: opts.skipSilence,
          mix,
        }),
    );
    const busOrder = orderBuses(session);
    const busStripById = new Map<string, Strip>();
    for (const i of busOrder) {
      const b = session.buses[i];
      const s = new Strip({
        id: b.id,
        kind: "bus",
        name: b.name || b.id,
        channels: 2,
        chain: parseChain(b.inserts, { sampleRate: sr, channels: 2 }, `buses[${i}].inserts`),
        polarity: b.polarity,
        volumeDb: b.volumeDb,
        pan: b.pan,
        automation: b.automation,
        sampleRate: sr,
        blockFrames: block,
        skipSilence: opts.skipSilence,
        mix,
      });
      busStripById.set(b.id, s);
    }
    this.busStrips = busOrder.map((i) => busStripById.get(session.buses[i].id)!);
    this.busIndices = busOrder;
    this.masterChain = parseChain(session.master.inserts, { sampleRate: sr, channels: 2 }, "master.inserts");
    this.masterInput = [
      mix?.alloc(block) ?? new Float32Array(block),
      mix?.alloc(block) ?? new Float32Array(block),
    ];
    const masterSink = { input: this.masterInput };
    const sinkOf = (id: string) => (id === "master" ? masterSink : busStripById.get(id)!);
    this.masterVolume = new Automatable(
      session.master.volumeDb,
      session.master.automation.find((l) => l.target === "volume"),
    );

    // Edges.
    const configs = [
      ...session.tracks.map((t, i) => ({ cfg: t, strip: this.trackStrips[i] })),
      ...session.buses.map((b) => ({ cfg: b, strip: busStripById.get(b.id)! })),
    ];
    for (const { cfg, strip } of configs) {
      strip.output = { dest: sinkOf(cfg.output), delay: null, level: null, pre: false, bus: cfg.output };
      for (const s of cfg.sends) {
        strip.sends.push({
          dest: sinkOf(s.bus),
          delay: null,
          level: new Automatable(s.levelDb, strip.sendLane(s.bus)),
          pre: s.pre,
          bus: s.bus,
        });
      }
    }

    // Solo and mute: soloing a strip keeps what it feeds (downstream) and what feeds it (upstream) audible;
    // aux returns are solo-safe unless marked otherwise.
    const audible = soloAudibility(session, anySolo);
    for (const s of [...this.trackStrips, ...this.busStrips]) s.audible = audible.get(s.id) ?? true;

    // Latency: arrival times in topological order, then edge delays.
    const feeders = new Map<string, { strip: Strip; edge: Edge }[]>();
    const allStrips = [...this.trackStrips, ...this.busStrips];
    for (const s of allStrips) {
      for (const e of [s.output, ...s.sends]) {
        const list = feeders.get(e.bus) ?? [];
        list.push({ strip: s, edge: e });
        feeders.set(e.bus, list);
      }
    }
    for (const s of this.trackStrips) {
      s.inArrival = 0;
      s.outArrival = s.chain.latency;
    }
    for (const s of this.busStrips) {
      s.inArrival = Math.max(0, ...(feeders.get(s.id) ?? []).map((f) => f.strip.outArrival));
      s.outArrival = s.inArrival + s.chain.latency;
    }
    const masterIn = Math.max(0, ...(feeders.get("master") ?? []).map((f) => f.strip.outArrival));
    for (const [bus, list] of feeders) {
      const arrive = bus === "master" ? masterIn : busStripById.get(bus)!.inArrival;
      for (const f of list) {
        const d = arrive - f.strip.outArrival;
        f.edge.delay = d > 0 ? new FixedDelay(2, d) : null;
      }
    }
    this.latency = masterIn + this.masterChain.latency;

    // Stems: every strip's post-fader output, delayed to line up with the mix.
    this.stems = allStrips.map((s) => ({
      id: s.id,
      kind: s.kind,
      name: s.name,
      feeds: s.output.bus,
      audible: s.audible,
    }));
    this.stemDelays = allStrips.map((s) => new FixedDelay(2, this.latency - s.outArrival));
    // Who sums what (see RemoteTracks).
    const nt = this.trackStrips.length;
    const remoteSet = new Set(opts.remoteTracks?.indices ?? []);
    this.localTracks = this.trackStrips.map((_, i) => i).filter((i) => !remoteSet.has(i));
    const prefix = opts.remoteTracks?.prefix ?? 0;
    for (let i = 0; i < prefix; i++) {
      if (!remoteSet.has(i)) throw new RangeError(`remoteTracks.prefix ${prefix}: track ${i} is not remote`);
    }
    const firstLocal = this.localTracks.length ? this.localTracks[0] : nt;
    const ordered = [...remoteSet].every((i) => i < firstLocal);
    if (opts.separateTrackOutputs !== undefined) {
      this.stored = this.trackStrips.map(() => opts.separateTrackOutputs!);
      this.deferLocal = !opts.separateTrackOutputs;
      this.prefix = 0;
    } else if (ordered) {
      this.stored = this.trackStrips.map((_, i) => remoteSet.has(i) && i >= prefix);
      this.deferLocal = true;
      this.prefix = prefix;
    } else {
      if (prefix > 0)
        throw new RangeError("remoteTracks.prefix needs the local tracks to come after every remote one");
      this.stored = this.trackStrips.map(() => true);
      this.deferLocal = false;
      this.prefix = 0;
    }
    // Track outputs (one stereo buffer per edge), track stems and the partial sums live in one block of memory,
    // once per slot.
    const bytes = SessionRenderer.trackMemoryBytes(session, block, 1);
    const memory = opts.trackMemory ?? new ArrayBuffer(bytes * TRACK_MEMORY_SLOTS);
    if (memory.byteLength < bytes) {
      throw new RangeError(`trackMemory must hold ${bytes} bytes, got ${memory.byteLength}`);
    }
    const slotCount = Math.floor(memory.byteLength / bytes);
    let at = 0;
    const view = () => {
      const v = new Float32Array(memory, at, block);
      at += block * 4;
      return v;
    };
    this.destInputs = [...this.busStrips.map((s) => s.input), this.masterInput];
    const busStems = this.busStrips.map(() => [new Float32Array(block), new Float32Array(block)]);
    this.slots = Array.from({ length: slotCount }, () => {
      const targets: Float32Array[][][] = [];
      const stems = this.trackStrips.map((s) => {
        targets.push([s.output, ...s.sends].map(() => [view(), view()]));
        return [view(), view()];
      });
      const partial = this.destInputs.map(() => [view(), view()]);
      // Per destination, the audible stored track edges feeding it, in track order (then edge order).
      const byDest = new Map<Float32Array[], Float32Array[][]>();
      for (const [i, s] of this.trackStrips.entries()) {
        if (!s.audible || !this.stored[i]) continue;
        for (const [j, e] of [s.output, ...s.sends].entries()) {
          const from = byDest.get(e.dest.input) ?? [];
          from.push(targets[i][j]);
          byDest.set(e.dest.input, from);
        }
      }
      const sums = [...byDest].map(([dest, from]) => ({ dest, from }));
      return { targets, stems, partial, sums, stemBufs: [...stems, ...busStems] };
    });
    this.trackStems = this.slots[0].stems;
    this.partial = this.slots[0].partial;
    this.stemBufs = this.slots[0].stemBufs;
    this.useSlot(0);
    this.remote = opts.remoteTracks ?? null;
    this.issued = -block;
    this.wantStems = opts.stems ?? true;
    this.mixBuf = [new Float32Array(block), new Float32Array(block)];
    this.volBuf = new Float32Array(block);

    // The range.
    const songEnd = this.players.reduce((m, p) => Math.max(m, p.end), 0);
    let start = Math.round((opts.start ?? 0) * sr);
    let end =
      opts.end !== undefined ? Math.round(opts.end * sr) : songEnd + Math.round((opts.tailSeconds ?? 0) * sr);
    if (opts.section !== undefined) {
      const sec = session.sections.find((s) => s.name === opts.section);
      if (!sec) {
        const names = session.sections.map((s) => s.name).join(", ") || "none";
        throw new SessionError([
          { path: "sections", message: `no section "${opts.section}" (sections: ${names})` },
        ]);
      }
      const map = new TempoMap(session.tempo, session.timeSignatures);
      const span = map.barsToSeconds(sec.startBar, sec.endBar);
      start = Math.round(span.start * sr);
      end = Math.round(span.end * sr) + Math.round((opts.tailSeconds ?? 0) * sr);
    } else if (opts.end !== undefined && opts.tailSeconds) end += Math.round(opts.tailSeconds * sr);
    if (!(end > start)) {
      throw new SessionError([
        { path: "", message: `nothing to render: the range ${start / sr} … ${end / sr} s is empty` },
      ]);
    }
    const preRoll = Math.max(0, Math.round((opts.preRollSeconds ?? 0) * sr));
    this.startSample = start;
    this.frames = end - start;
    this.origin = start - preRoll;
    this.discard = preRoll + this.latency;
  }

  /** Builds the renderer. Throws SessionError or ParamError for a session it cannot render. */
  static async create(
    session: Session,
    provider: SourceProvider,
    opts: RenderOptions = {},
  ): Promise<SessionRenderer> {
    return new SessionRenderer(session, provider, opts);
  }

  /**
   * Bytes of track memory a session needs at a block size (see `RenderOptions.trackMemory`).
   * @param slots blocks it holds at once: how far (slots − 1 blocks) remote threads may run ahead.
   */
  static trackMemoryBytes(session: Session, blockFrames = DEFAULT_BLOCK, slots = TRACK_MEMORY_SLOTS): number {
    let buffers = 2 * (session.buses.length + 1); // partial sums: every bus and the master
    for (const t of session.tracks) buffers += 2 * (2 + t.sends.length);
    return slots * buffers * blockFrames * 4;
  }

  /** Points the tracks' outputs, stems, partial sums and sums at the slot of processing clock `k`. */
  private useSlot(k: number): void {
    const slot = this.slots[Math.floor(k / this.block) % this.slots.length];
    this.trackStems = slot.stems;
    this.partial = slot.partial;
    this.sums = slot.sums;
    this.stemBufs = slot.stemBufs;
    for (const [i, s] of this.trackStrips.entries()) {
      if (!this.stored[i]) continue;
      s.output.target = slot.targets[i][0];
      for (let j = 0; j < s.sends.length; j++) s.sends[j].target = slot.targets[i][j + 1];
    }
  }

  /**
   * Renders some tracks for one block: sources, inserts, fader, pan, sends, into their track memory (outputs
   * and stems). The main renderer does this for its own tracks; a worker thread does it for the rest.
   * @param k processing clock of the block's first sample (blocks run 0, blockFrames, 2·blockFrames, …).
   * @param n frames (the renderer's block size).
   * @param indices track indices.
   */
  async renderTracks(k: number, n: number, indices: readonly number[], emit = true): Promise<void> {
    this.useSlot(k);
    const t = k + this.origin;
    const fills: Promise<void>[] = [];
    // Tracks read their sources concurrently so file I/O overlaps; each fills only its own buffers.
    for (const i of indices) {
      const s = this.trackStrips[i];
      if (s.audible) fills.push(this.players[i].fill(t, n, s.input));
    }
    await Promise.all(fills);
    for (const i of indices) {
      const s = this.trackStrips[i];
      const stem = this.trackStems[i];
      if (!s.audible) {
        // Audible strips overwrite their edge targets every block; silent ones contribute zeros.
        if (this.stored[i])
          for (const e of [s.output, ...s.sends]) for (const x of e.target!) x.fill(0, 0, n);
        stem[0].fill(0, 0, n);
        stem[1].fill(0, 0, n);
        continue;
      }
      s.prepare(k, this.origin, n);
      if (emit) s.emit(n);
      if (!this.wantStems) continue;
      stem[0].set(s.post[0].subarray(0, n));
      stem[1].set(s.post[1].subarray(0, n));
      this.stemDelays[i].process(stem, n);
    }
  }

  /**
   * Renders tracks `indices` (which must be 0 … m − 1, in order) and adds them into the buses and the master
   * from silence, then copies those sums into the partial sums in track memory: the remote prefix of
   * `RemoteTracks`. Build this renderer with `separateTrackOutputs: false`.
   */
  async renderTrackSums(k: number, n: number, indices: readonly number[]): Promise<void> {
    for (const d of this.destInputs) for (const x of d) x.fill(0, 0, n);
    await this.renderTracks(k, n, indices);
    for (let j = 0; j < this.destInputs.length; j++) {
      for (let c = 0; c < 2; c++) this.partial[j][c].set(this.destInputs[j][c].subarray(0, n));
    }
  }

  /** Every insert chain, with its JSON path (hosts load impulse responses into them). */
  chains(): { path: string; chain: Chain }[] {
    return [
      ...this.trackStrips.map((s, i) => ({ path: `tracks[${i}].inserts`, chain: s.chain })),
      ...this.busStrips.map((s, j) => ({ path: `buses[${this.busIndices[j]}].inserts`, chain: s.chain })),
      { path: "master.inserts", chain: this.masterChain },
    ];
  }

  /** Frames produced so far. */
  get position(): number {
    return this.emitted;
  }

  /** The next block of output, or null when done. */
  async next(): Promise<RenderedBlock | null> {
    while (this.emitted < this.frames) {
      const k = this.clock;
      const n = this.block;
      await this.processBlock(k, n);
      this.clock += n;
      // Output index of the block's first sample.
      const o0 = k - this.discard;
      const lo = Math.max(o0, this.emitted);
      const hi = Math.min(o0 + n, this.frames);
      if (hi <= lo) continue;
      const a = lo - o0;
      const b = hi - o0;
      this.emitted = hi;
      return {
        frames: b - a,
        mix: this.mixBuf.map((x) => x.subarray(a, b)),
        stems: this.wantStems ? this.stemBufs.map((s) => s.map((x) => x.subarray(a, b))) : [],
      };
    }
    return null;
  }

  /** Closes every open source. */
  async close(): Promise<void> {
    for (const p of this.inflight.values()) await p.catch(() => {});
    this.inflight.clear();
    for (const p of this.players) await p.close();
  }

  private async processBlock(k: number, n: number): Promise<void> {
    const t = k + this.origin;
    // Unless local tracks wait for the remote ones, they add into the destinations now: clear them first.
    if (!this.deferLocal) for (const d of this.destInputs) for (const x of d) x.fill(0, 0, n);
    let remote: Promise<void> | undefined;
    if (this.remote) {
      // Ask for this block and the next ones the slots have room for (block k − 1's slot is free again: its
      // sums are done and the caller has used its stems), then wait for this one only.
      for (
        let j = this.issued + n;
        j <= k + (this.slots.length - 1) * n && j - this.discard < this.frames;
        j += n
      ) {
        const done = this.remote.run(j, n);
        done.catch(() => {}); // awaited when its block comes (or by close); never unhandled
        this.inflight.set(j, done);
        this.issued = j;
      }
      remote = this.inflight.get(k);
      this.inflight.delete(k);
    }
    await this.renderTracks(k, n, this.localTracks, !this.deferLocal);
    if (remote) await remote;
    // Into the buses and the master, always in track order (results do not depend on threads): the remote
    // prefix's sums, the stored tracks' outputs, then (below) the local tracks.
    if (this.deferLocal) {
      for (let j = 0; j < this.destInputs.length; j++) {
        for (let c = 0; c < 2; c++) {
          const d = this.destInputs[j][c];
          if (this.prefix > 0) d.set(this.partial[j][c].subarray(0, n));
          else d.fill(0, 0, n);
        }
      }
    }
    for (const { dest, from } of this.sums) for (let c = 0; c < 2; c++) sumInto(dest[c], from, c, n);
    if (this.deferLocal)
      for (const i of this.localTracks) if (this.trackStrips[i].audible) this.trackStrips[i].emit(n);
    const nt = this.trackStrips.length;
    for (let j = 0; j < this.busStrips.length; j++) {
      const s = this.busStrips[j];
      const stem = this.stemBufs[nt + j];
      if (!s.audible) {
        stem[0].fill(0, 0, n);
        stem[1].fill(0, 0, n);
        continue;
      }
      s.process(k, this.origin, n);
      if (!this.wantStems) continue;
      stem[0].set(s.post[0].subarray(0, n));
      stem[1].set(s.post[1].subarray(0, n));
      this.stemDelays[nt + j].process(stem, n);
    }
    const y = this.masterChain.process(this.masterInput, n);
    const yl = y[0];
    const yr = y[Math.min(1, y.length - 1)];
    const vol = this.volBuf;
    const constant = this.masterVolume.fill(vol, t - this.latency, n, this.sampleRate);
    const [ml, mr] = this.mixBuf;
    if (constant) {
      const g = mixGain(vol[0]);
      for (let i = 0; i < n; i++) {
        ml[i] = yl[i] * g;
        mr[i] = yr[i] * g;
      }
      if (g !== 1 && this.wantStems)
        for (const st of this.stemBufs) for (const x of st) for (let i = 0; i < n; i++) x[i] *= g;
    } else {
      for (let i = 0; i < n; i++) vol[i] = mixGain(vol[i]);
      for (let i = 0; i < n; i++) {
        ml[i] = yl[i] * vol[i];
        mr[i] = yr[i] * vol[i];
      }
      if (this.wantStems)
        for (const st of this.stemBufs) for (const x of st) for (let i = 0; i < n; i++) x[i] *= vol[i];
    }
  }
}

/** Bus indices in an order where every bus comes after all buses that feed it. */
function orderBuses(session: Session): number[] {
  const idx = new Map(session.buses.map((b, i) => [b.id, i]));
  const indeg = session.buses.map(() => 0);
  const out: number[][] = session.buses.map(() => []);
  for (const [i, b] of session.buses.entries()) {
    for (const d of new Set([b.output, ...b.sends.map((s) => s.bus)])) {
      const j = idx.get(d);
      if (j === undefined) continue;
      out[i].push(j);
      indeg[j]++;
    }
  }
  const order: number[] = [];
  const ready = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
  while (ready.length) {
    const i = ready.shift()!;
    order.push(i);
    for (const j of out[i]) if (--indeg[j] === 0) ready.push(j);
  }
  if (order.length !== session.buses.length) {
    throw new SessionError([{ path: "buses", message: "routing cycle (a bus feeds itself)" }]);
  }
  return order;
}

/** Which strips are heard, after mutes and solos. */
function soloAudibility(session: Session, anySolo: boolean): Map<string, boolean> {
  const strips = [...session.tracks, ...session.buses];
  const res = new Map<string, boolean>();
  if (!anySolo) {
    for (const s of strips) res.set(s.id, !s.mute);
    return res;
  }
  const targets = new Map<string, string[]>();
  const sources = new Map<string, string[]>();
  for (const s of strips) {
    const to = [s.output, ...s.sends.map((x) => x.bus)].filter((x) => x !== "master");
    targets.set(s.id, to);
    for (const d of to) sources.set(d, [...(sources.get(d) ?? []), s.id]);
  }
  const keep = new Set<string>();
  const walk = (id: string, next: Map<string, string[]>) => {
    for (const n of next.get(id) ?? []) {
      if (keep.has(`${n}`)) continue;
      keep.add(n);
      walk(n, next);
    }
  };
  for (const s of strips) {
    if (!s.solo) continue;
    keep.add(s.id);
    walk(s.id, targets);
    walk(s.id, sources);
  }
  for (const b of session.buses) if (b.soloSafe ?? b.kind === "aux") keep.add(b.id);
  for (const s of strips) res.set(s.id, !s.mute && keep.has(s.id));
  return res;
}

/**
 * d += x₀[c] + x₁[c] + … in that order, rounding to float32 after every addition as adding them one by one
 * would (so the result is bit-identical), but up to four at a time: d is read and written once per four.
 */
function sumInto(d: Float32Array, from: readonly Float32Array[][], c: number, n: number): void {
  const f = Math.fround;
  let j = 0;
  for (; j + 4 <= from.length; j += 4) {
    const a = from[j][c];
    const b = from[j + 1][c];
    const e = from[j + 2][c];
    const g = from[j + 3][c];
    for (let i = 0; i < n; i++) d[i] = f(f(f(d[i] + a[i]) + b[i]) + e[i]) + g[i];
  }
  for (; j < from.length; j++) {
    const a = from[j][c];
    for (let i = 0; i < n; i++) d[i] += a[i];
  }
}
