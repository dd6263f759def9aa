/**
 * Rendering a session's span in memory for the brief: the mix and every track and bus stem, so each target of a
 * note can be measured on its actual audio (and again after the moves, to check the predictions).
 */
import { renderTargets } from "@controlroom/engine/brief/render-span.ts";
import { SessionRenderer } from "@controlroom/engine/render/renderer.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { TempoMap } from "@controlroom/engine/session/tempo-map.ts";
import { audioIdsInRange, decodeCacheSettings, prepareDecodedSources } from "../render/decoded-cache.ts";
import { FileSourceProvider } from "../render/file-provider.ts";
import { loadSessionImpulseResponses } from "../render/impulse-responses.ts";
import { checkAudioFiles } from "../session/audio-check.ts";

/** The timeline span measured, seconds. */
export interface Span {
  start: number;
  end: number;
}

/** The rendered span: audio by id (`master` for the mix, track and bus ids for stems). */
export interface RenderedSpan {
  span: Span;
  sampleRate: number;
  /** Planar stereo of `master`, a track id or a bus id. Throws for an unknown id. */
  audioOf: (id: string) => Float32Array[];
}

/** Longest span measured by default, seconds: long enough for stable averages, short enough for < 1 s. */
export const DEFAULT_SPAN_SECONDS = 8;

/** Seconds around the span whose cached sources are looked up (latency compensation reads a little further). */
const CACHE_MARGIN_SECONDS = 5;

/** Seconds rendered before the span so compressors and reverbs start in their running state. */
const PRE_ROLL_SECONDS = 1;

/**
 * The span a note is measured over: the named arrangement section (at most `DEFAULT_SPAN_SECONDS` of its
 * middle), else the middle `DEFAULT_SPAN_SECONDS` of the song.
 * @param songSeconds the session's length.
 */
export function briefSpan(session: Session, songSeconds: number, section?: string): Span {
  let a = 0;
  let b = songSeconds;
  const sec = section
    ? session.sections.find((s) => s.name.toLowerCase() === section.toLowerCase())
    : undefined;
  if (sec) {
    const tm = new TempoMap(session.tempo, session.timeSignatures);
    a = tm.barBeatToSeconds(sec.startBar);
    b = tm.barBeatToSeconds(sec.endBar + 1);
  }
  const mid = (a + b) / 2;
  const half = Math.min(DEFAULT_SPAN_SECONDS, b - a) / 2;
  return { start: Math.max(0, mid - half), end: mid + half };
}

/**
 * Renders `span` of the session (audio paths relative to `baseDir`) into memory: mix and stems.
 * @throws SessionError for missing audio (all listed) or a bad span.
 */
export async function renderSpan(
  session: Session,
  baseDir: string,
  span?: Span | { section?: string },
): Promise<RenderedSpan> {
  const problems = await checkAudioFiles(session, baseDir, { verifyHash: false });
  if (problems.length) throw new SessionError(problems, "session audio");
  const provider = new FileSourceProvider(baseDir);
  let range: Span;
  if (span && "start" in span) range = span;
  else {
    const probe = await SessionRenderer.create(session, provider, { stems: false });
    const seconds = probe.frames / session.sampleRate;
    await probe.close();
    range = briefSpan(session, seconds, span?.section);
  }
  // A brief measures a song again and again (the proposal, the check after the render, the studio's A/B):
  // compressed sources are decoded into the cache once, and every later span reads them from there.
  const cache = decodeCacheSettings();
  if (cache) {
    const prepared = await prepareDecodedSources(
      session,
      baseDir,
      cache,
      audioIdsInRange(session, {
        start: range.start - CACHE_MARGIN_SECONDS,
        end: range.end + CACHE_MARGIN_SECONDS,
      }),
    );
    provider.setCacheFiles(prepared.files);
  }
  const r = await renderTargets(
    session,
    provider,
    { start: range.start, end: range.end, preRollSeconds: Math.min(PRE_ROLL_SECONDS, range.start) },
    (renderer) => loadSessionImpulseResponses(renderer, baseDir),
  );
  return { span: range, sampleRate: r.sampleRate, audioOf: r.audioOf };
}
