/**
 * Rendering a span of a session into memory for the brief: the mix and every track and bus stem, by id
 * (`master` for the mix). Works with any source provider (files in Node, memory in tests and the browser).
 */
import { type RenderOptions, SessionRenderer } from "../render/renderer.ts";
import type { SourceProvider } from "../render/source.ts";
import type { Session } from "../session/schema.ts";

/** Rendered audio by id: `master`, track ids and bus ids; planar stereo at the session rate. */
export interface RenderedTargets {
  sampleRate: number;
  frames: number;
  /** Throws for an id the session does not have. */
  audioOf: (id: string) => Float32Array[];
}

/**
 * Renders `opts.start … opts.end` (or a section) with stems into memory.
 * @param prepare called after the renderer is made, before rendering (e.g. to load impulse responses).
 */
export async function renderTargets(
  session: Session,
  provider: SourceProvider,
  opts: Omit<RenderOptions, "stems">,
  prepare?: (renderer: SessionRenderer) => Promise<void>,
): Promise<RenderedTargets> {
  const renderer = await SessionRenderer.create(session, provider, { ...opts, stems: true });
  try {
    await prepare?.(renderer);
    const n = renderer.frames;
    const mix = [new Float32Array(n), new Float32Array(n)];
    const stems = renderer.stems.map(() => [new Float32Array(n), new Float32Array(n)]);
    let pos = 0;
    for (let b = await renderer.next(); b; b = await renderer.next()) {
      for (let c = 0; c < 2; c++) mix[c].set(b.mix[c].subarray(0, b.frames), pos);
      for (const [i, st] of b.stems.entries()) {
        for (let c = 0; c < 2; c++) stems[i][c].set(st[c].subarray(0, b.frames), pos);
      }
      pos += b.frames;
    }
    const byId = new Map<string, Float32Array[]>();
    for (const [i, st] of renderer.stems.entries()) byId.set(st.id, stems[i]);
    byId.set("master", mix);
    return {
      sampleRate: renderer.sampleRate,
      frames: n,
      audioOf: (id) => {
        const a = byId.get(id);
        if (!a) throw new Error(`no track or bus "${id}" in the rendered session`);
        return a;
      },
    };
  } finally {
    await renderer.close();
  }
}
