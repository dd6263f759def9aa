/**
 * Recording a take: count in at the song's tempo while the chosen play-along starts on the take's first
 * beat, collect the input from the sample where the count-in ends (plus the round-trip latency, so the take
 * lines up with what was played against), then upload it, list it as a take and, when asked, put it into
 * the mix session.
 */
import { useEffect, useRef, useState } from "react";
import { api, optional, type SongSession, type Take, type Wire } from "../api.ts";
import { db } from "../audio/meter.ts";
import type { ClipAudio } from "../audio/mix-graph.ts";
import { useAudio } from "../audio/services.tsx";
import type { TapBlock } from "../audio/tap.ts";
import { encodeWav } from "../audio/wav.ts";
import {
  addTakeToSession,
  documentOf,
  playAlongOfSession,
  type TakeDestination,
} from "../mixer/session-doc.ts";
import { messageOf } from "../util.ts";
import { countIn } from "./count-in.ts";
import { TakeRecorder } from "./take-recorder.ts";

export type Phase = "idle" | "counting" | "recording" | "saving";

/** What to play along with: nothing, "tracks" (the song's takes), "session", or a version id. */
export type PlayAlong = "" | "tracks" | "session" | (string & {});

export interface TakeRequest {
  part: string;
  performer: string;
  /** Count-in bars, as typed. */
  bars: string;
  playAlong: PlayAlong;
  /** Where in the session the take goes ("" for the take list only). */
  onto: TakeDestination | "";
}

export interface Recorder {
  phase: Phase;
  status: string | null;
  setStatus(s: string | null): void;
  /** Seconds since the take started (negative during the count-in). */
  elapsed: number;
  /** The round-trip latency compensated, ms (null before the first take). */
  latencyMs: number | null;
  /** Bumped when a take is saved (the take list reloads). */
  saved: number;
  /** Feed for the input's blocks. */
  onBlock(b: TapBlock): void;
  /** Starts a take from `stream` (its reported input latency is compensated). */
  start(req: TakeRequest, stream: MediaStream | null): Promise<void>;
  stop(): Promise<void>;
}

export interface RecorderContext {
  songId: string;
  projectId: string;
  tempoBpm: number;
  /** The files a "tracks" play-along plays (the song's takes). */
  trackFiles: string[];
  /** A version's file by id. */
  versionFile(id: string): string | null;
  session: SongSession | null;
  /** Who records when no performer is typed. */
  userName: string;
  onSession(s: SongSession): void;
}

export function useRecorder(c: RecorderContext): Recorder {
  const { recorder: audio, decode } = useAudio();
  const [phase, setPhase] = useState<Phase>("idle");
  const [status, setStatus] = useState<string | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [latencyMs, setLatencyMs] = useState<number | null>(null);
  const [saved, setSaved] = useState(0);
  const take = useRef<{ rec: TakeRecorder; stopPlayback(): void; req: TakeRequest } | null>(null);
  const phaseRef = useRef<Phase>("idle");
  phaseRef.current = phase;

  // The clock shown while counting in and recording.
  useEffect(() => {
    if (phase === "idle") return;
    const id = setInterval(() => {
      const t = take.current;
      if (!t) return;
      const clock = audio.clock();
      setElapsed((clock.now * clock.sampleRate - t.rec.startFrame) / clock.sampleRate);
    }, 100);
    return () => clearInterval(id);
  }, [phase, audio]);

  async function start(req: TakeRequest, stream: MediaStream | null) {
    // What plays while recording, decoded first so it starts exactly when the recording does.
    const files =
      req.playAlong === "tracks"
        ? c.trackFiles
        : [c.versionFile(req.playAlong)].filter((x): x is string => !!x);
    const buffers = await Promise.all(files.map((sha) => decode(api.blobUrl(sha))));
    // The session's tracks: their playing clips at their faders (muted tracks stay silent).
    const tracks: { clips: ClipAudio[]; gain: number }[] = [];
    if (req.playAlong === "session" && c.session)
      for (const t of playAlongOfSession(documentOf(c.session))) {
        const clips: ClipAudio[] = [];
        for (const { sha256, start, offset, length, gainDb } of t.clips)
          clips.push({
            buffer: await decode(api.blobUrl(sha256)),
            start,
            offset,
            length: length ?? 0,
            gainDb,
          });
        tracks.push({ clips, gain: 10 ** (t.gainDb / 20) });
      }
    const clock = audio.clock();
    const count = countIn(c.tempoBpm, req.bars);
    const t0 = clock.now + 0.15;
    const recordAt = t0 + count.length;
    const stopPlayback = audio.schedule({
      clicksFrom: t0,
      clicks: count.clicks,
      at: recordAt,
      buffers,
      tracks,
    });
    // What the performer hears left the speakers `outputLatency` after it was scheduled, and what they play
    // reaches the tap `input latency` later: the take starts that much after the count-in ends, so it lines
    // up with the tracks it was played against.
    // `latency` is in Media Capture (Chromium reports it) but not yet in the DOM typings.
    const settings = stream?.getAudioTracks()[0]?.getSettings() as
      | (MediaTrackSettings & { latency?: number })
      | undefined;
    const roundTrip = clock.outputLatency + (settings?.latency ?? 0);
    setLatencyMs(roundTrip * 1000);
    take.current = {
      rec: new TakeRecorder(Math.round((recordAt + roundTrip) * clock.sampleRate), clock.sampleRate),
      stopPlayback,
      req,
    };
    // Blocks are kept by frame from the count-in end, so a late timer below loses nothing.
    const beats = count.clicks.length;
    phaseRef.current = beats > 0 ? "counting" : "recording";
    setPhase(phaseRef.current);
    setStatus(beats > 0 ? `Count-in: ${beats} beats at ${c.tempoBpm} BPM…` : "Recording…");
    setTimeout(
      () => {
        if (phaseRef.current === "counting") {
          setPhase("recording");
          setStatus("Recording…");
        }
      },
      Math.max(0, (recordAt - audio.clock().now) * 1000),
    );
  }

  async function stop() {
    const t = take.current;
    if (!t) return;
    setPhase("saving");
    phaseRef.current = "saving";
    t.stopPlayback();
    take.current = null;
    const { rec, req } = t;
    const mono = rec.assemble();
    const rate = rec.sampleRate;
    if (mono.length < rate * 0.5) {
      setPhase("idle");
      setStatus("Nothing recorded (under half a second).");
      return;
    }
    const loud = rec.integratedLufs();
    try {
      setStatus(`Uploading ${(mono.length / rate).toFixed(1)} s…`);
      const blob = await api.upload(c.projectId, encodeWav([mono], rate, 24), `${req.part}.wav`);
      const made: Wire<Take> = await api.createTake(c.songId, {
        part: req.part,
        performerName: req.performer || c.userName || "performer",
        blobSha256: blob.sha256,
        notes: "",
      });
      let where = "";
      if (req.onto && c.session) {
        const doc = addTakeToSession(documentOf(c.session), req.onto, {
          part: req.part,
          takeNumber: made.number,
          sha256: blob.sha256,
          sampleRate: rate,
          frames: mono.length,
        });
        // Saved with the version it was based on (a stale session is refused with the server's 409).
        const s = await optional.saveSession(c.songId, { version: c.session.version, session: doc });
        c.onSession(s);
        where = ` Added to the mix session (version ${s.version}).`;
      }
      setStatus(
        `Saved ${made.part} take ${made.number}: ${(mono.length / rate).toFixed(1)} s, ${db(loud)} LUFS integrated.${where}`,
      );
      setSaved((k) => k + 1);
    } catch (e) {
      setStatus(messageOf(e));
    }
    setPhase("idle");
  }

  return {
    phase,
    status,
    setStatus,
    elapsed,
    latencyMs,
    saved,
    onBlock: (b) => take.current?.rec.push(b),
    start,
    stop,
  };
}
