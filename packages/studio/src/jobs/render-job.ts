/**
 * The "render" job in a worker: renders a song's stored session to a stereo mix WAV (and optionally a stems
 * zip), with each audio reference read from its blob, measures the mix, and moves the files into the blob
 * store. Progress: 0…0.9 rendering (timeline seconds done / total), 0.9…1 measuring.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { analyzeFile } from "@controlroom/node/analysis/analyze-file.ts";
import { renderSessionToFiles } from "@controlroom/node/render/render-session.ts";
import type { RenderJobInput } from "../renders/start-render.ts";
import type { JobEnvironment } from "./handlers.ts";
import { blobFile, type JobBlob, scratchDir, storeFileAsBlob } from "./job-blobs.ts";

/** The result of a render job (stored on the job and as the new version's report). */
export interface RenderJobResult {
  [key: string]: unknown;
  /** Id the new mix version gets when the result is recorded. */
  versionId: string;
  songId: string;
  sessionVersion: number;
  label: string | null;
  mix: JobBlob;
  stems: (JobBlob & { files: string[] }) | null;
  sampleRate: number;
  frames: number;
  durationSeconds: number;
  bits: number;
  /** Latency compensated by the render, samples. */
  latency: number;
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
}

/** Renders one session (see module comment). */
export async function runRenderJob(input: RenderJobInput, env: JobEnvironment): Promise<RenderJobResult> {
  const session = parseSession(input.session, "session");
  // The blob named by each reference's sha256 is the audio; the stored path is only a hint from elsewhere.
  for (const ref of Object.values(session.audio)) ref.path = blobFile(env.blobRoot, ref.sha256);
  const dir = await scratchDir(env.blobRoot, "render");
  try {
    const o = input.options;
    const mixPath = join(dir, "mix.wav");
    const stemsPath = o.stems ? join(dir, "stems.zip") : undefined;
    const r = await renderSessionToFiles(session, dir, mixPath, {
      bits: o.bits,
      stems: stemsPath,
      section: o.section,
      start: o.start,
      end: o.end,
      tailSeconds: o.tailSeconds,
      // Blobs are named by their sha256 and written only whole, so presence is enough.
      verifyHashes: false,
      // One thread per job: the queue already runs jobs side by side.
      threads: 1,
      onProgress: (done, total) => total > 0 && env.progress(0.9 * Math.min(1, done / total)),
      cancelled: env.cancelled,
    });
    const a = await analyzeFile(mixPath, { parallel: false });
    const mix = await storeFileAsBlob(env.blobRoot, mixPath, "wav");
    const stems = stemsPath
      ? { ...(await storeFileAsBlob(env.blobRoot, stemsPath, "zip")), files: r.stemFiles }
      : null;
    env.progress(1);
    return {
      versionId: randomUUID(),
      songId: input.songId,
      sessionVersion: input.sessionVersion,
      label: input.label,
      mix,
      stems,
      sampleRate: r.sampleRate,
      frames: r.frames,
      durationSeconds: r.frames / r.sampleRate,
      bits: o.bits,
      latency: r.latency,
      integratedLufs: a.report.integratedLufs,
      loudnessRangeLu: a.report.loudnessRangeLu,
      truePeakDbtp: a.report.truePeakDbtp,
      samplePeakDbfs: a.report.samplePeakDbfs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
