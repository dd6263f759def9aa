/**
 * Insert processors that take an impulse-response file (`ir`, e.g. convolution reverb) get it loaded here: the
 * engine reads no files. Paths are relative to the session's folder.
 */
import { resolve } from "node:path";
import { ParamError } from "@controlroom/engine/core/params.ts";
import type { SessionRenderer } from "@controlroom/engine/render/renderer.ts";
import { readWholeFile } from "../files/open.ts";

/** The longest impulse response accepted, in seconds. */
const MAX_IR_SECONDS = 60;

/** Loads every insert's impulse response into a renderer's chains. */
export async function loadSessionImpulseResponses(renderer: SessionRenderer, baseDir: string): Promise<void> {
  for (const { path, chain } of renderer.chains()) {
    for (const [i, p] of chain.processors.entries()) {
      const params = p.getParams() as { ir?: unknown };
      const target = p as unknown as { setImpulseResponse?: (ch: Float32Array[], rate: number) => void };
      if (typeof params.ir !== "string" || typeof target.setImpulseResponse !== "function") continue;
      if (!params.ir) throw new ParamError(`${path}[${i}].ir (${p.type})`, "needs an impulse response file");
      const file = resolve(baseDir, params.ir);
      // The file may be at a higher rate than the session: allow 60 s at up to 192 kHz.
      const maxFrames = Math.round(MAX_IR_SECONDS * Math.max(p.sampleRate, 192000));
      const { info, channels } = await readWholeFile(file, { maxFrames });
      target.setImpulseResponse(channels, info.sampleRate);
    }
  }
}
