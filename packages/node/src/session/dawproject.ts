/**
 * DAWproject exchange (the open format published by Bitwig and PreSonus: a zip with `project.xml`,
 * `metadata.xml` and audio). Carries tracks, clips (position, source offset, length, fades, gain), volume,
 * pan, mute, solo, sends, buses (effect and sub-mix channels), the master, markers, tempo and time signature,
 * and volume/pan automation. Control Room's own extras (polarity, fade shapes, insert chains, ids) ride in
 * `comment` attributes that other DAWs ignore, so a round trip through Control Room is exact; comps are
 * exported as the clips that play (flattened) and come back as one take.
 */

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { dbToGain, gainToDb } from "@controlroom/engine/core/db.ts";
import { playbackItems } from "@controlroom/engine/render/track-player.ts";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import {
  type AutomationLane,
  type Bus,
  CLIP_FADE_SHAPES,
  SESSION_VERSION,
  type Session,
  type Track,
} from "@controlroom/engine/session/schema.ts";
import { TempoMap } from "@controlroom/engine/session/tempo-map.ts";
import { unzipSync } from "fflate";
import { probeAudioFile } from "../files/open.ts";
import { writeStoredZip } from "../files/zip-file.ts";
import { audioPath } from "./audio-check.ts";
import { sha256File } from "./hash.ts";
import { saveSessionFile } from "./session-file.ts";
import { child, childrenNamed, parseXml, type XmlElement, XmlWriter } from "./xml.ts";

const EXTRA = "controlroom:";
/** Volume faders are exported as linear gain 0 … 2 (+6 dB), the range most DAWs show. */
const VOLUME_MAX = 2;

type Attrs = Record<string, string | number | boolean | undefined>;

/** The project.xml and metadata.xml of a session, and the audio files to pack (zip name → file on disk). */
export function dawprojectDocuments(
  session: Session,
  baseDir: string,
): { project: string; metadata: string; files: Map<string, string> } {
  let next = 0;
  const newId = () => `id${next++}`;
  const files = new Map<string, string>();
  const audioName = new Map<string, string>();
  for (const [id, ref] of Object.entries(session.audio)) {
    const name = `audio/${id}${extname(ref.path) || ".wav"}`;
    audioName.set(id, name);
    files.set(name, audioPath(baseDir, ref.path));
  }
  const channelId = new Map<string, string>([["master", newId()]]);
  const trackId = new Map<string, string>();
  for (const s of [...session.tracks, ...session.buses]) {
    channelId.set(s.id, newId());
    trackId.set(s.id, newId());
  }
  const masterTrack = newId();
  const tempoId = newId();
  const sigId = newId();
  const volumeParam = new Map<string, string>();
  const panParam = new Map<string, string>();
  const map = new TempoMap(session.tempo, session.timeSignatures);
  const w = new XmlWriter();

  const writeChannel = (s: Track | Bus | null, role: string, audioChannels: number) => {
    const key = s?.id ?? "master";
    const extra: Record<string, unknown> = { id: key };
    if (s) {
      extra.polarity = s.polarity;
      if ("kind" in s && s.soloSafe !== undefined) extra.soloSafe = s.soloSafe;
    }
    const inserts = s ? s.inserts : session.master.inserts;
    const attrs: Attrs = {
      audioChannels,
      destination: s ? channelId.get(s.output) : undefined,
      role,
      solo: s ? s.solo : undefined,
      id: channelId.get(key),
      name: s ? s.name || s.id : "Master",
      comment: EXTRA + JSON.stringify(extra),
    };
    w.element("Channel", attrs, () => {
      if (inserts.length) {
        w.element("Devices", {}, () => {
          for (const p of inserts) {
            w.element(
              "BuiltinDevice",
              {
                deviceName: String(p.type),
                deviceRole: "audioFX",
                deviceVendor: "Control Room",
                id: newId(),
                comment: EXTRA + JSON.stringify(p),
              },
              () => w.empty("Enabled", { value: p.bypass !== true, id: newId() }),
            );
          }
        });
      }
      if (s) w.empty("Mute", { value: s.mute, id: newId(), name: "Mute" });
      if (s) {
        const pid = newId();
        panParam.set(key, pid);
        w.empty("Pan", { max: 1, min: 0, unit: "normalized", value: (s.pan + 1) / 2, id: pid, name: "Pan" });
      }
      if (s?.sends.length) {
        w.element("Sends", {}, () => {
          for (const send of s.sends) {
            w.element(
              "Send",
              {
                destination: channelId.get(send.bus),
                type: send.pre ? "pre" : "post",
                id: newId(),
                name: "Send",
              },
              () =>
                w.empty("Volume", {
                  max: VOLUME_MAX,
                  min: 0,
                  unit: "linear",
                  value: dbToGain(send.levelDb),
                  id: newId(),
                  name: "Volume",
                }),
            );
          }
        });
      }
      const vid = newId();
      volumeParam.set(key, vid);
      const db = s ? s.volumeDb : session.master.volumeDb;
      w.empty("Volume", {
        max: VOLUME_MAX,
        min: 0,
        unit: "linear",
        value: dbToGain(db),
        id: vid,
        name: "Volume",
      });
    });
  };

  const writeAutomation = (key: string, lanes: readonly AutomationLane[]) => {
    for (const lane of lanes) {
      const param =
        lane.target === "volume" ? volumeParam.get(key) : lane.target === "pan" ? panParam.get(key) : null;
      if (!param) continue; // sends and processor parameters stay in Control Room
      const unit = lane.target === "volume" ? "linear" : "normalized";
      w.element("Points", { unit, id: newId() }, () => {
        w.empty("Target", { parameter: param });
        for (const p of lane.points) {
          const value = lane.target === "volume" ? dbToGain(p.value) : (p.value + 1) / 2;
          w.empty("RealPoint", { time: p.time, value, interpolation: "linear" });
        }
      });
    }
  };

  w.element("Project", { version: "1.0" }, () => {
    w.empty("Application", { name: "Control Room", version: "0.1.0" });
    w.element("Transport", {}, () => {
      w.empty("Tempo", {
        max: 999,
        min: 10,
        unit: "bpm",
        value: session.tempo[0].bpm,
        id: tempoId,
        name: "Tempo",
      });
      const ts = session.timeSignatures[0];
      w.empty("TimeSignature", { denominator: ts.denominator, numerator: ts.numerator, id: sigId });
    });
    w.element("Structure", {}, () => {
      for (const t of session.tracks) {
        w.element(
          "Track",
          { contentType: "audio", loaded: true, id: trackId.get(t.id), name: t.name || t.id },
          () => writeChannel(t, "regular", t.channels),
        );
      }
      for (const b of session.buses) {
        w.element(
          "Track",
          { contentType: "audio", loaded: true, id: trackId.get(b.id), name: b.name || b.id },
          () => writeChannel(b, b.kind === "aux" ? "effect" : "submix", 2),
        );
      }
      w.element("Track", { contentType: "audio", loaded: true, id: masterTrack, name: "Master" }, () =>
        writeChannel(null, "master", 2),
      );
    });
    // Sections have no DAWproject element: they ride along for Control Room (other DAWs see markers).
    const arrangementExtra = EXTRA + JSON.stringify({ sections: session.sections });
    w.element("Arrangement", { id: newId(), comment: arrangementExtra }, () => {
      w.element("Lanes", { timeUnit: "seconds", id: newId() }, () => {
        for (const t of session.tracks) {
          w.element("Lanes", { track: trackId.get(t.id), id: newId() }, () => {
            w.element("Clips", { id: newId() }, () => writeClips(w, session, t, audioName, newId));
            writeAutomation(t.id, t.automation);
          });
        }
        for (const b of session.buses) {
          if (!b.automation.length) continue;
          w.element("Lanes", { track: trackId.get(b.id), id: newId() }, () =>
            writeAutomation(b.id, b.automation),
          );
        }
        if (session.master.automation.length) {
          w.element("Lanes", { track: masterTrack, id: newId() }, () =>
            writeAutomation("master", session.master.automation),
          );
        }
      });
      if (session.markers.length) {
        w.element("Markers", { timeUnit: "seconds", id: newId() }, () => {
          for (const m of session.markers)
            w.empty("Marker", { time: map.barBeatToSeconds(m.bar, m.beat), name: m.name });
        });
      }
      if (session.tempo.length > 1) {
        w.element("TempoAutomation", { timeUnit: "beats", unit: "bpm", id: newId() }, () => {
          w.empty("Target", { parameter: tempoId });
          for (const t of session.tempo) {
            w.empty("RealPoint", {
              time: map.barBeatToQuarters(t.bar, t.beat),
              value: t.bpm,
              interpolation: "hold",
            });
          }
        });
      }
      if (session.timeSignatures.length > 1) {
        w.element("TimeSignatureAutomation", { timeUnit: "beats", id: newId() }, () => {
          w.empty("Target", { parameter: sigId });
          for (const s of session.timeSignatures) {
            w.empty("TimeSignaturePoint", {
              time: map.barBeatToQuarters(s.bar),
              numerator: s.numerator,
              denominator: s.denominator,
            });
          }
        });
      }
    });
  });
  const meta = new XmlWriter();
  meta.element("MetaData", {}, () => meta.textElement("Title", session.name));
  return { project: w.toString(), metadata: meta.toString(), files };
}

/** The clips that play on a track (the comp flattened), as DAWproject clips in seconds. */
function writeClips(
  w: XmlWriter,
  session: Session,
  t: Track,
  audioName: Map<string, string>,
  newId: () => string,
): void {
  const sr = session.sampleRate;
  const clipsById = new Map<string, { fadeIn: string; fadeOut: string; gainDb: number }>();
  for (const take of t.takes) {
    for (const c of take.clips) {
      clipsById.set(`${c.audio}@${Math.round(c.start * sr)}`, {
        fadeIn: c.fadeIn.shape,
        fadeOut: c.fadeOut.shape,
        gainDb: c.gainDb,
      });
    }
  }
  for (const it of playbackItems(t, sr)) {
    let a = it.start;
    let b = it.end;
    let fadeIn = it.fadeIn;
    let fadeOut = it.fadeOut;
    const win = it.window;
    if (win) {
      const h = win.xf >> 1;
      if (win.from - h > a) {
        a = win.from - h;
        fadeIn = win.xf;
      }
      if (win.to + win.xf - h < b) {
        b = win.to + win.xf - h;
        fadeOut = win.xf;
      }
    }
    const orig = clipsById.get(`${it.audio}@${it.start}`);
    const ref = session.audio[it.audio];
    const extra = { audio: it.audio, fadeIn: orig?.fadeIn, fadeOut: orig?.fadeOut };
    w.element(
      "Clip",
      {
        time: a / sr,
        duration: (b - a) / sr,
        contentTimeUnit: "seconds",
        playStart: (it.sourceStart + (a - it.start)) / sr,
        fadeTimeUnit: "seconds",
        fadeInTime: fadeIn / sr,
        fadeOutTime: fadeOut / sr,
        name: it.audio,
        comment: EXTRA + JSON.stringify(extra),
      },
      () => {
        const audio = () =>
          w.element(
            "Audio",
            {
              channels: ref.channels,
              sampleRate: ref.sampleRate,
              duration: ref.frames / ref.sampleRate,
              id: newId(),
            },
            () => w.empty("File", { path: audioName.get(it.audio)! }),
          );
        if (it.gain === 1) audio();
        else {
          w.element("Lanes", { id: newId() }, () => {
            audio();
            w.element("Points", { unit: "linear", id: newId() }, () => {
              w.empty("Target", { expression: "gain" });
              w.empty("RealPoint", { time: 0, value: it.gain, interpolation: "hold" });
            });
          });
        }
      },
    );
  }
}

/**
 * Writes a session as a .dawproject file (atomically), with its audio files inside.
 * @param session the session; its audio paths are resolved against `baseDir`.
 */
export async function exportDawproject(session: Session, baseDir: string, outPath: string): Promise<void> {
  const { project, metadata, files } = dawprojectDocuments(session, baseDir);
  writeStoredZip(
    outPath,
    [
      { name: "project.xml", text: project },
      { name: "metadata.xml", text: metadata },
      ...[...files].map(([name, file]) => ({ name, file })),
    ],
    (file) => new SessionError([{ path: `audio`, message: `missing file ${file}` }], "export-dawproject"),
  );
}

/** Reads a Control Room extra from a `comment` attribute. */
function extraOf(el: XmlElement | undefined): Record<string, unknown> {
  const c = el?.attrs.comment;
  if (!c?.startsWith(EXTRA)) return {};
  try {
    return JSON.parse(c.slice(EXTRA.length)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function num(el: XmlElement | undefined, attr: string, fallback: number): number {
  const v = el?.attrs[attr];
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/** All elements named `name` under `el`, depth first. */
function descendants(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}

/**
 * Imports a .dawproject: audio goes to `<dir>/audio/`, the session to `<dir>/session.json`.
 * @returns the session written.
 * @throws Error naming the file and what is wrong with it.
 */
export async function importDawproject(file: string, dir: string): Promise<Session> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await readFile(file)));
  } catch (e) {
    throw new Error(`${file}: not a DAWproject zip (${(e as Error).message})`);
  }
  if (!entries["project.xml"]) throw new Error(`${file}: no project.xml inside`);
  const root = parseXml(new TextDecoder().decode(entries["project.xml"]));
  if (root.name !== "Project") throw new Error(`${file}: project.xml has <${root.name}>, expected <Project>`);
  let name = basename(file, extname(file));
  if (entries["metadata.xml"]) {
    const title = child(parseXml(new TextDecoder().decode(entries["metadata.xml"])), "Title")?.text.trim();
    if (title) name = title;
  }
  const transport = child(root, "Transport");
  const bpm = num(child(transport, "Tempo"), "value", 120);
  const sig = child(transport, "TimeSignature");
  let tempo = [{ bar: 1, beat: 1, bpm }];
  let sigs = [{ bar: 1, numerator: num(sig, "numerator", 4), denominator: num(sig, "denominator", 4) }];
  const arrangement = child(root, "Arrangement");
  // Tempo and signature changes come as automation in beats (quarter notes).
  const sigPoints = childrenNamed(child(arrangement, "TimeSignatureAutomation"), "TimeSignaturePoint");
  if (sigPoints.length) {
    const quartersToBar = (q: number) =>
      new TempoMap([{ bar: 1, beat: 1, bpm }], sigs).quartersToBarBeat(q).bar;
    const list: typeof sigs = [];
    for (const p of sigPoints) {
      const bar = list.length ? quartersToBar(num(p, "time", 0)) : 1;
      list.push({ bar, numerator: num(p, "numerator", 4), denominator: num(p, "denominator", 4) });
      sigs = [...list];
    }
  }
  const tempoPoints = childrenNamed(child(arrangement, "TempoAutomation"), "RealPoint");
  if (tempoPoints.length) {
    const m0 = new TempoMap([{ bar: 1, beat: 1, bpm }], sigs);
    tempo = tempoPoints.map((p) => {
      const bb = m0.quartersToBarBeat(num(p, "time", 0));
      return { bar: bb.bar, beat: Math.round(bb.beat * 1e9) / 1e9, bpm: num(p, "value", bpm) };
    });
    tempo[0] = { ...tempo[0], bar: 1, beat: 1 };
  }
  const map = new TempoMap(tempo, sigs);
  const toSeconds = (t: number, unit: string) => (unit === "beats" ? map.quartersToSeconds(t) : t);

  // Channels: by id, with their role and strip settings.
  type Strip = {
    key: string;
    kind: "track" | "aux" | "group" | "master";
    channel: XmlElement;
    track: XmlElement;
  };
  const strips: Strip[] = [];
  const byChannelId = new Map<string, Strip>();
  const byTrackId = new Map<string, Strip>();
  const usedKeys = new Set<string>(["master"]);
  const keyFor = (wanted: string) => {
    let k = wanted.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 60) || "track";
    if (!/^[A-Za-z0-9_]/.test(k)) k = `t${k}`;
    const base = k;
    for (let n = 2; usedKeys.has(k); n++) k = `${base}-${n}`;
    usedKeys.add(k);
    return k;
  };
  for (const tr of descendants(child(root, "Structure") ?? root, "Track")) {
    const ch = child(tr, "Channel");
    if (!ch) continue;
    const role = ch.attrs.role ?? "regular";
    const kind =
      role === "master" ? "master" : role === "effect" ? "aux" : role === "submix" ? "group" : "track";
    const extra = extraOf(ch);
    const key =
      kind === "master"
        ? "master"
        : keyFor(typeof extra.id === "string" ? extra.id : (tr.attrs.name ?? "track"));
    const s: Strip = { key, kind, channel: ch, track: tr };
    strips.push(s);
    if (ch.attrs.id) byChannelId.set(ch.attrs.id, s);
    if (tr.attrs.id) byTrackId.set(tr.attrs.id, s);
  }
  const paramOwner = new Map<string, { key: string; target: "volume" | "pan" }>();
  for (const s of strips) {
    const v = child(s.channel, "Volume")?.attrs.id;
    const p = child(s.channel, "Pan")?.attrs.id;
    if (v) paramOwner.set(v, { key: s.key, target: "volume" });
    if (p) paramOwner.set(p, { key: s.key, target: "pan" });
  }
  const destOf = (id: string | undefined) => {
    const d = id ? byChannelId.get(id) : undefined;
    return !d || d.kind === "master" || d.kind === "track" ? "master" : d.key;
  };
  const volumeDb = (el: XmlElement | undefined) => {
    if (!el) return 0;
    const v = num(el, "value", 1);
    const db = el.attrs.unit === "decibel" ? v : gainToDb(v);
    return Math.max(-144, Math.min(24, Number.isFinite(db) ? db : -144));
  };
  const panOf = (el: XmlElement | undefined) => {
    if (!el) return 0;
    const v = num(el, "value", 0.5);
    return el.attrs.unit === "normalized" ? v * 2 - 1 : Math.max(-1, Math.min(1, v));
  };
  const stripJson = (s: Strip) => {
    const extra = extraOf(s.channel);
    const inserts = childrenNamed(child(s.channel, "Devices"), "BuiltinDevice")
      .map((d) => {
        const p = extraOf(d);
        if (typeof p.type !== "string") return null;
        return p;
      })
      .filter((p): p is Record<string, unknown> => p !== null);
    return {
      id: s.key,
      name: s.track.attrs.name ?? s.channel.attrs.name ?? s.key,
      volumeDb: volumeDb(child(s.channel, "Volume")),
      pan: panOf(child(s.channel, "Pan")),
      mute: child(s.channel, "Mute")?.attrs.value === "true",
      solo: s.channel.attrs.solo === "true",
      polarity: extra.polarity === true,
      inserts,
      output: destOf(s.channel.attrs.destination),
      sends: childrenNamed(child(s.channel, "Sends"), "Send")
        .filter(
          (x) =>
            byChannelId.get(x.attrs.destination ?? "")?.kind === "aux" ||
            byChannelId.get(x.attrs.destination ?? "")?.kind === "group",
        )
        .map((x) => ({
          bus: byChannelId.get(x.attrs.destination!)!.key,
          levelDb: volumeDb(child(x, "Volume")),
          pre: x.attrs.type === "pre",
        })),
      automation: [] as { target: string; points: { time: number; value: number }[] }[],
    };
  };

  const audioDir = join(resolve(dir), "audio");
  await mkdir(audioDir, { recursive: true });
  const audio: Record<string, unknown> = {};
  const audioByPath = new Map<string, string>();
  const importAudio = async (a: XmlElement): Promise<string> => {
    const path = child(a, "File")?.attrs.path;
    if (!path) throw new Error(`${file}: an <Audio> without a <File path>`);
    const known = audioByPath.get(path);
    if (known) return known;
    const external = child(a, "File")?.attrs.external === "true";
    let onDisk: string;
    if (external) onDisk = resolve(dirname(resolve(file)), path);
    else {
      const data = entries[path];
      if (!data) throw new Error(`${file}: audio ${path} is referenced but not in the zip`);
      onDisk = join(audioDir, basename(path));
      await writeFile(onDisk, data);
    }
    const info = await probeAudioFile(onDisk);
    if (info.frames === null) throw new Error(`${onDisk}: length unknown`);
    let id = basename(path, extname(path)).replace(/[^A-Za-z0-9_.-]/g, "_") || "audio";
    if (!/^[A-Za-z0-9_]/.test(id)) id = `a${id}`;
    for (let n = 2; audio[id]; n++) id = `${id}-${n}`;
    audio[id] = {
      sha256: await sha256File(onDisk),
      path: external ? onDisk : `audio/${basename(path)}`,
      sampleRate: info.sampleRate,
      channels: info.channels,
      frames: info.frames,
    };
    audioByPath.set(path, id);
    return id;
  };

  const clipsByStrip = new Map<string, unknown[]>();
  const lanesByStrip = new Map<string, AutomationLane[]>();
  const walk = async (el: XmlElement, unit: string, owner: Strip | undefined) => {
    const u = el.attrs.timeUnit ?? unit;
    const o = el.attrs.track ? (byTrackId.get(el.attrs.track) ?? owner) : owner;
    for (const c of el.children) {
      if (c.name === "Lanes") await walk(c, u, o);
      else if (c.name === "Clips" && o) {
        const cu = c.attrs.timeUnit ?? u;
        for (const clip of childrenNamed(c, "Clip")) {
          const a = descendants(clip, "Audio")[0];
          if (!a) continue;
          const id = await importAudio(a);
          const extra = extraOf(clip);
          const start = toSeconds(num(clip, "time", 0), cu);
          const end = toSeconds(num(clip, "time", 0) + num(clip, "duration", 0), cu);
          const fu = clip.attrs.fadeTimeUnit ?? cu;
          const fadeSeconds = (v: number) => (fu === "beats" ? (v * 60) / map.bpmAt(start) : v);
          const gainPoint = descendants(clip, "Points")
            .filter((p) => child(p, "Target")?.attrs.expression === "gain")
            .flatMap((p) => childrenNamed(p, "RealPoint"))[0];
          const gain = gainPoint ? num(gainPoint, "value", 1) : 1;
          const shape = (v: unknown) =>
            typeof v === "string" && (CLIP_FADE_SHAPES as readonly string[]).includes(v) ? v : "equal-power";
          const list = clipsByStrip.get(o.key) ?? [];
          list.push({
            audio: id,
            start,
            // playStart is in the clip's content unit; beats are converted at the clip's tempo.
            offset:
              (clip.attrs.contentTimeUnit ?? cu) === "beats"
                ? (num(clip, "playStart", 0) * 60) / map.bpmAt(start)
                : num(clip, "playStart", 0),
            length: end - start,
            gainDb: Math.max(-144, Math.min(24, gainToDb(gain))),
            fadeIn: { length: fadeSeconds(num(clip, "fadeInTime", 0)), shape: shape(extra.fadeIn) },
            fadeOut: { length: fadeSeconds(num(clip, "fadeOutTime", 0)), shape: shape(extra.fadeOut) },
          });
          clipsByStrip.set(o.key, list);
        }
      } else if (c.name === "Points") {
        const target = child(c, "Target")?.attrs.parameter;
        const p = target ? paramOwner.get(target) : undefined;
        if (!p) continue;
        const pu = c.attrs.timeUnit ?? u;
        const points = childrenNamed(c, "RealPoint").map((rp) => {
          const v = num(rp, "value", 0);
          const value =
            p.target === "volume"
              ? Math.max(-144, Math.min(24, c.attrs.unit === "decibel" ? v : gainToDb(v)))
              : c.attrs.unit === "normalized" || c.attrs.unit === undefined
                ? v * 2 - 1
                : v;
          return { time: toSeconds(num(rp, "time", 0), pu), value, curve: 0 };
        });
        if (points.length) {
          const lanes = lanesByStrip.get(p.key) ?? [];
          lanes.push({ target: p.target, points });
          lanesByStrip.set(p.key, lanes);
        }
      }
    }
  };
  if (arrangement) {
    const lanes = child(arrangement, "Lanes");
    if (lanes) await walk(lanes, lanes.attrs.timeUnit ?? "beats", undefined);
  }

  const markerEl = child(arrangement, "Markers");
  const markerUnit = markerEl?.attrs.timeUnit ?? child(arrangement, "Lanes")?.attrs.timeUnit ?? "beats";
  const markers = childrenNamed(markerEl, "Marker").map((m) => {
    const bb = map.secondsToBarBeat(toSeconds(num(m, "time", 0), markerUnit));
    const bar = Math.max(1, bb.bar);
    return { name: m.attrs.name || "marker", bar, beat: Math.max(1, Math.round(bb.beat * 1e6) / 1e6) };
  });

  const tracks = strips
    .filter((s) => s.kind === "track")
    .map((s) => {
      const j = stripJson(s);
      const ch = Math.min(2, Math.max(1, num(s.channel, "audioChannels", 2)));
      return {
        ...j,
        channels: ch,
        automation: lanesByStrip.get(s.key) ?? [],
        takes: [{ id: "take1", name: "Take 1", clips: clipsByStrip.get(s.key) ?? [] }],
      };
    });
  const buses = strips
    .filter((s) => s.kind === "aux" || s.kind === "group")
    .map((s) => {
      const extra = extraOf(s.channel);
      return {
        ...stripJson(s),
        kind: s.kind === "aux" ? "aux" : "group",
        ...(typeof extra.soloSafe === "boolean" ? { soloSafe: extra.soloSafe } : {}),
        automation: lanesByStrip.get(s.key) ?? [],
      };
    });
  const master = strips.find((s) => s.kind === "master");
  const sampleRate = (Object.values(audio)[0] as { sampleRate: number } | undefined)?.sampleRate ?? 48000;
  // Sections: from each marker on a bar line to the bar before the next (the last to the song's end).
  const songEnd = Math.max(
    0,
    ...tracks.flatMap((t) =>
      t.takes[0].clips.map(
        (c) => (c as { start: number; length: number }).start + (c as { length: number }).length,
      ),
    ),
  );
  const endBar = songEnd > 0 ? map.secondsToBarBeat(songEnd - 1e-6).bar : 1;
  const savedSections = extraOf(arrangement).sections;
  const onBars = markers.filter((m) => m.beat === 1).sort((a, b) => a.bar - b.bar);
  const derived = onBars
    .map((m, i) => ({
      name: m.name,
      startBar: m.bar,
      endBar: i + 1 < onBars.length ? onBars[i + 1].bar - 1 : endBar,
    }))
    .filter((s, i, all) => s.endBar >= s.startBar && all.findIndex((x) => x.name === s.name) === i);

  const json = {
    version: SESSION_VERSION,
    name,
    sampleRate,
    tempo,
    timeSignatures: sigs,
    markers,
    sections: Array.isArray(savedSections) ? savedSections : derived,
    audio,
    tracks,
    buses,
    master: master
      ? {
          volumeDb: volumeDb(child(master.channel, "Volume")),
          inserts: stripJson(master).inserts,
          // The master has no pan in Control Room.
          automation: (lanesByStrip.get("master") ?? []).filter((l) => l.target === "volume"),
        }
      : undefined,
  };
  const session = parseSession(json, `${file} (imported)`);
  await saveSessionFile(join(dir, "session.json"), session);
  return session;
}
