/**
 * A new session from a folder of stems: one track per audio file (all at 0, unity gain, centred). An
 * `arrangement.json` beside the stems (as in the corpus) gives the tempo, time signature and sections; each
 * section also becomes a marker.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, extname, join, relative, resolve } from "node:path";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { SESSION_VERSION, type Session } from "@controlroom/engine/session/schema.ts";
import { probeAudioFile } from "../files/open.ts";
import { sha256File } from "./hash.ts";

const AUDIO_EXT = new Set([".wav", ".wave", ".flac", ".mp3", ".ogg", ".rf64", ".bw64"]);

/** The arrangement.json fields used. */
interface Arrangement {
  title?: string;
  tempoBpm?: number;
  timeSignature?: [number, number];
  sampleRate?: number;
  sections?: { name: string; startBar: number; endBar: number }[];
}

/**
 * Builds a session from the audio files in `stemsDir`.
 * @param stemsDir folder of stems (every audio file becomes a track, sorted by name).
 * @param sessionDir where the session file will live: audio paths are written relative to it.
 */
export async function sessionFromStems(stemsDir: string, sessionDir: string): Promise<Session> {
  const dir = resolve(stemsDir);
  const names = (await readdir(dir)).filter((n) => AUDIO_EXT.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new Error(`${stemsDir}: no audio files (.wav, .flac, .mp3, .ogg) found`);
  let arrangement: Arrangement = {};
  try {
    arrangement = JSON.parse(await readFile(join(dir, "arrangement.json"), "utf8")) as Arrangement;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`${join(stemsDir, "arrangement.json")}: ${(e as Error).message}`);
    }
  }
  const audio: Record<string, unknown> = {};
  const tracks: unknown[] = [];
  const used = new Set<string>();
  let sampleRate = arrangement.sampleRate;
  for (const name of names) {
    const path = join(dir, name);
    const info = await probeAudioFile(path);
    if (info.frames === null) throw new Error(`${path}: length unknown (the header does not say)`);
    sampleRate ??= info.sampleRate;
    let id =
      basename(name, extname(name))
        .replace(/[^A-Za-z0-9_.-]/g, "_")
        .slice(0, 60) || "track";
    if (!/^[A-Za-z0-9_]/.test(id)) id = `t${id}`;
    for (let k = 2; used.has(id); k++) id = `${id.replace(/-\d+$/, "")}-${k}`;
    used.add(id);
    audio[id] = {
      sha256: await sha256File(path),
      path: relative(resolve(sessionDir), path) || name,
      sampleRate: info.sampleRate,
      channels: info.channels,
      frames: info.frames,
    };
    tracks.push({
      id,
      name: basename(name, extname(name)),
      channels: info.channels >= 2 ? 2 : 1,
      takes: [
        {
          id: "take1",
          name: "Take 1",
          clips: [{ audio: id, start: 0, length: info.frames / info.sampleRate }],
        },
      ],
    });
  }
  const sections = (arrangement.sections ?? []).map((s) => ({
    name: s.name,
    startBar: s.startBar,
    endBar: s.endBar,
  }));
  const sig = arrangement.timeSignature;
  return parseSession({
    version: SESSION_VERSION,
    name: arrangement.title ?? basename(dir),
    sampleRate,
    tempo: [{ bar: 1, bpm: arrangement.tempoBpm ?? 120 }],
    timeSignatures: [{ bar: 1, numerator: sig?.[0] ?? 4, denominator: sig?.[1] ?? 4 }],
    markers: sections.map((s) => ({ name: s.name, bar: s.startBar })),
    sections,
    audio,
    tracks,
  });
}
