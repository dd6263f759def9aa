/**
 * Recording a take: pick an input, watch its meter, count in at the song's tempo, record while the chosen
 * version plays, and the take is uploaded and added to the take list (then rate and comment it there).
 * The recording starts on the sample where the count-in ends (the tap stamps each block with its frame).
 */
import { useEffect, useRef, useState } from "react";
import { api, may, optional, type SongSession } from "../api.ts";
import { audioContext, decodeUrl } from "../audio/context.ts";
import { db, LiveMeter, type MeterReading } from "../audio/meter.ts";
import { createMeter, loadMeter } from "../audio/meter-node.ts";
import { type ClipAudio, scheduleClips } from "../audio/mix-graph.ts";
import { createTap, loadTap, type TapBlock } from "../audio/tap.ts";
import { encodeWav } from "../audio/wav.ts";
import { Takes } from "../components/Takes.tsx";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";
import { messageOf, useLoad } from "../util.ts";

type Phase = "idle" | "counting" | "recording" | "saving";

export function Recording({ songId }: { songId: string }) {
  const { user } = useSession();
  const [song] = useLoad(() => api.song(songId), [songId]);
  const [project] = useLoad(
    () => (song ? api.project(song.projectId) : Promise.resolve(null)),
    [song?.projectId],
  );
  const [versions] = useLoad(() => api.versions(songId), [songId]);
  const [takes] = useLoad(() => api.takes(songId), [songId]);
  const tracks = (takes ?? []).filter((t) => t.blobSha256 && t.decision !== "redo");
  // The song's mix session, when the server has one: to play along with, and to record onto.
  const [session, setSession] = useState<SongSession | null>(null);
  useEffect(() => {
    optional.session(songId).then(setSession, () => setSession(null));
  }, [songId]);
  const sessionTracks = (session?.session.tracks ?? []) as unknown as SessionTrackDoc[];
  const [onto, setOnto] = useState("");
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState("");
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [reading, setReading] = useState<MeterReading | null>(null);
  const [part, setPart] = useState("lead vocal");
  const [performer, setPerformer] = useState(user?.name ?? "");
  const [bars, setBars] = useState("1");
  const [playAlong, setPlayAlong] = useState("");
  const [phase, setPhase] = useState<Phase>("idle");
  const [status, setStatus] = useState<string | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [takesKey, setTakesKey] = useState(0);
  const [latencyMs, setLatencyMs] = useState<number | null>(null);
  const rec = useRef<{
    startFrame: number;
    blocks: TapBlock[];
    /** Measures the take itself (from the count-in end), for the loudness shown when it is saved. */
    takeMeter: LiveMeter | null;
    sources: AudioScheduledSourceNode[];
  } | null>(null);
  const phaseRef = useRef<Phase>("idle");
  phaseRef.current = phase;
  const tempo = song?.tempoBpm ?? 120;

  async function enable(id = deviceId) {
    setStatus(null);
    try {
      for (const t of stream?.getTracks() ?? []) t.stop();
      const s = await navigator.mediaDevices.getUserMedia({
        audio: {
          deviceId: id ? { exact: id } : undefined,
          echoCancellation: false,
          noiseSuppression: false,
          autoGainControl: false,
          channelCount: 1,
        },
      });
      setStream(s);
      const list = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
      setDevices(list);
      setDeviceId(s.getAudioTracks()[0]?.getSettings().deviceId ?? id);
    } catch (e) {
      setStatus(`Microphone: ${messageOf(e)}`);
    }
  }

  // Meter the input (and collect the take while recording).
  useEffect(() => {
    if (!stream) return;
    const ctx = audioContext();
    let tap: AudioWorkletNode | null = null;
    let meter: AudioWorkletNode | null = null;
    let src: MediaStreamAudioSourceNode | null = null;
    let latest: MeterReading | null = null;
    let live = true;
    Promise.all([loadTap(ctx), loadMeter(ctx)]).then(() => {
      if (!live) return;
      src = ctx.createMediaStreamSource(stream);
      // The input meter runs the engine on the audio thread; the tap copies samples for the take.
      meter = createMeter(ctx, 1, (r) => {
        latest = r;
      });
      src.connect(meter);
      tap = createTap(ctx, 1, (b) => {
        const r = rec.current;
        const armed = phaseRef.current === "recording" || phaseRef.current === "counting";
        if (r && armed && b.frame + b.data[0].length > r.startFrame) {
          r.blocks.push(b);
          const from = Math.max(0, r.startFrame - b.frame);
          r.takeMeter?.push(b.data.map((c) => c.subarray(from)));
        }
      });
      src.connect(tap);
    });
    const timer = setInterval(() => {
      if (latest) setReading(latest);
      const r = rec.current;
      if (r && phaseRef.current !== "idle")
        setElapsed((ctx.currentTime * ctx.sampleRate - r.startFrame) / ctx.sampleRate);
    }, 100);
    return () => {
      live = false;
      clearInterval(timer);
      src?.disconnect();
      tap?.disconnect();
      meter?.disconnect();
    };
  }, [stream]);

  useEffect(
    () => () => {
      for (const t of stream?.getTracks() ?? []) t.stop();
    },
    [stream],
  );

  async function start() {
    // What plays while recording: the other tracks (every kept take) or a version of the song; decoded
    // first, so it starts exactly when the recording does.
    const along =
      playAlong === "tracks"
        ? tracks.map((t) => t.blobSha256 as string)
        : [versions?.find((v) => v.id === playAlong)?.blobSha256].filter((x): x is string => !!x);
    const buffers = await Promise.all(along.map((sha) => decodeUrl(api.blobUrl(sha))));
    // The session's tracks (their active takes' clips at their faders; muted tracks stay silent).
    const sessionPlay: { clips: ClipAudio[]; gain: number }[] = [];
    if (playAlong === "session" && session) {
      const audio = session.session.audio as Record<string, { sha256: string }>;
      for (const t of sessionTracks) {
        if (t.mute) continue;
        const take = t.takes.find((k) => k.id === t.activeTake) ?? t.takes[0];
        const clips: ClipAudio[] = [];
        for (const c of take?.clips ?? []) {
          if (!audio[c.audio]) continue;
          const buffer = await decodeUrl(api.blobUrl(audio[c.audio].sha256));
          clips.push({
            buffer,
            start: c.start,
            offset: c.offset ?? 0,
            length: c.length,
            gainDb: c.gainDb ?? 0,
          });
        }
        sessionPlay.push({ clips, gain: 10 ** ((t.volumeDb ?? 0) / 20) });
      }
    }
    const ctx = audioContext();
    const beatsPerBar = 4;
    const beat = 60 / tempo;
    const countBeats = Math.max(0, Math.round(Number(bars) || 0)) * beatsPerBar;
    const t0 = ctx.currentTime + 0.15;
    const recordAt = t0 + countBeats * beat;
    const sources: AudioScheduledSourceNode[] = [];
    // Count-in clicks: the downbeat higher.
    for (let i = 0; i < countBeats; i++) {
      const osc = ctx.createOscillator();
      const g = ctx.createGain();
      osc.frequency.value = i % beatsPerBar === 0 ? 1500 : 1000;
      const at = t0 + i * beat;
      g.gain.setValueAtTime(0.3, at);
      g.gain.exponentialRampToValueAtTime(0.001, at + 0.08);
      osc.connect(g).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.1);
      sources.push(osc);
    }
    for (const buf of buffers) {
      const s = ctx.createBufferSource();
      s.buffer = buf;
      s.connect(ctx.destination);
      s.start(recordAt);
      sources.push(s);
    }
    for (const t of sessionPlay) {
      const g = ctx.createGain();
      g.gain.value = t.gain;
      g.connect(ctx.destination);
      sources.push(...scheduleClips(ctx, g, t.clips, recordAt));
    }
    // What the performer hears left the speakers `outputLatency` after it was scheduled, and what they play
    // reaches the tap `input latency` later: the take starts that much after the count-in ends, so it lines
    // up with the tracks it was played against.
    // `latency` is in Media Capture (Chromium reports it) but not yet in the DOM typings.
    const settings = stream?.getAudioTracks()[0]?.getSettings() as
      | (MediaTrackSettings & { latency?: number })
      | undefined;
    const inputLatency = settings?.latency ?? 0;
    const roundTrip = (ctx.outputLatency || ctx.baseLatency || 0) + inputLatency;
    setLatencyMs(roundTrip * 1000);
    rec.current = {
      startFrame: Math.round((recordAt + roundTrip) * ctx.sampleRate),
      blocks: [],
      takeMeter: new LiveMeter(ctx.sampleRate, 1),
      sources,
    };
    // Blocks are kept by frame from the count-in end, so a late timer below loses nothing.
    phaseRef.current = countBeats > 0 ? "counting" : "recording";
    setPhase(phaseRef.current);
    setStatus(countBeats > 0 ? `Count-in: ${countBeats} beats at ${tempo} BPM…` : "Recording…");
    setTimeout(
      () => {
        if (phaseRef.current === "counting") {
          setPhase("recording");
          setStatus("Recording…");
        }
      },
      Math.max(0, (recordAt - ctx.currentTime) * 1000),
    );
  }

  async function stop() {
    const r = rec.current;
    if (!r || !song) return;
    setPhase("saving");
    phaseRef.current = "saving";
    for (const s of r.sources)
      try {
        s.stop();
      } catch {
        // already ended
      }
    const ctx = audioContext();
    // Assemble the take from the count-in end.
    const parts: Float32Array[] = [];
    let total = 0;
    for (const b of r.blocks) {
      const from = Math.max(0, r.startFrame - b.frame);
      const seg = b.data[0].subarray(from);
      parts.push(seg);
      total += seg.length;
    }
    const mono = new Float32Array(total);
    let o = 0;
    for (const p of parts) {
      mono.set(p, o);
      o += p.length;
    }
    rec.current = null;
    if (total < ctx.sampleRate * 0.5) {
      setPhase("idle");
      setStatus("Nothing recorded (under half a second).");
      return;
    }
    const loud = r.takeMeter?.reading().integratedLufs ?? Number.NaN;
    try {
      setStatus(`Uploading ${(total / ctx.sampleRate).toFixed(1)} s…`);
      const wav = encodeWav([mono], ctx.sampleRate, 24);
      const blob = await api.upload(song.projectId, wav, `${part}.wav`);
      const take = await api.createTake(songId, {
        part,
        performerName: performer || user?.name || "performer",
        blobSha256: blob.sha256,
        notes: "",
      });
      let where = "";
      if (onto && session) {
        const s = await addToSession(session, onto, {
          part,
          takeNumber: take.number,
          sha256: blob.sha256,
          sampleRate: ctx.sampleRate,
          frames: total,
        });
        setSession(s);
        where = ` Added to the mix session (version ${s.version}).`;
      }
      setStatus(
        `Saved ${take.part} take ${take.number}: ${(total / ctx.sampleRate).toFixed(1)} s, ${db(loud)} LUFS integrated.${where}`,
      );
      setTakesKey((k) => k + 1);
    } catch (e) {
      setStatus(messageOf(e));
    }
    setPhase("idle");
  }

  if (!song || !project) return <p className="loading">Loading…</p>;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href={`/songs/${songId}`}>{song.title}</Link> ›
      </p>
      <h1>Record a take</h1>
      <section className="card">
        <h2>Input</h2>
        <div className="row">
          {devices.length > 0 && (
            <label>
              Input device
              <select
                value={deviceId}
                onChange={(e) => {
                  setDeviceId(e.target.value);
                  enable(e.target.value);
                }}
              >
                {devices.map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label || `Input ${i + 1}`}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={() => enable()} disabled={!!stream}>
            {stream ? "Microphone on" : "Enable microphone"}
          </button>
        </div>
        <meter
          className="level"
          aria-label="Input level"
          min={-60}
          max={0}
          low={-18}
          high={-6}
          optimum={-24}
          value={Math.max(
            -60,
            Number.isFinite(reading?.peakDb ?? Number.NaN) ? (reading?.peakDb as number) : -60,
          )}
        />
        <p className="readout" data-testid="input-meter">
          Input peak {db(reading?.peakDb ?? Number.NEGATIVE_INFINITY)} dBFS · momentary{" "}
          {db(reading?.momentaryLufs ?? Number.NEGATIVE_INFINITY)} LUFS · true peak{" "}
          {db(reading?.truePeakDb ?? Number.NEGATIVE_INFINITY)} dBTP
        </p>
      </section>
      <section className="card">
        <h2>Take</h2>
        <div className="row">
          <label>
            Part
            <input required value={part} onChange={(e) => setPart(e.target.value)} />
          </label>
          <label>
            Performer
            <input value={performer} onChange={(e) => setPerformer(e.target.value)} />
          </label>
          <label>
            Count-in bars at {tempo} BPM
            <input type="number" min={0} max={4} value={bars} onChange={(e) => setBars(e.target.value)} />
          </label>
          <label>
            Play along with
            <select value={playAlong} onChange={(e) => setPlayAlong(e.target.value)}>
              <option value="">nothing (click only)</option>
              {session && <option value="session">the mix session ({sessionTracks.length} tracks)</option>}
              {tracks.length > 0 && <option value="tracks">the other tracks ({tracks.length} takes)</option>}
              {versions
                ?.filter((v) => v.blobSha256)
                .map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.kind} v{v.number} {v.label}
                  </option>
                ))}
            </select>
          </label>
          {session && may(project.myRoles, "session.write") && (
            <label>
              Onto session track
              <select value={onto} onChange={(e) => setOnto(e.target.value)}>
                <option value="">none (take list only)</option>
                <option value="new">a new track “{part}”</option>
                {sessionTracks.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name || t.id} (as a new take)
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div className="row transport">
          <button type="button" className="primary" disabled={!stream || phase !== "idle"} onClick={start}>
            ● Record
          </button>
          <button type="button" disabled={phase !== "recording" && phase !== "counting"} onClick={stop}>
            ■ Stop
          </button>
          <output className="clock" aria-label="Recording time" aria-live="off">
            {phase === "idle"
              ? ""
              : elapsed < 0
                ? `count-in ${(-elapsed).toFixed(1)} s`
                : `${elapsed.toFixed(1)} s`}
          </output>
        </div>
        {status && <p role="status">{status}</p>}
        {latencyMs !== null && (
          <p className="small muted">Round-trip latency compensated: {latencyMs.toFixed(1)} ms.</p>
        )}
      </section>
      <Takes songId={songId} projectId={project.id} roles={project.myRoles} reloadKey={takesKey} />
    </div>
  );
}

/** The parts of a session track this page reads and writes. */
interface SessionTrackDoc {
  id: string;
  name: string;
  mute?: boolean;
  volumeDb?: number;
  activeTake?: string;
  takes: {
    id: string;
    name?: string;
    clips: { audio: string; start: number; offset?: number; length: number; gainDb?: number }[];
  }[];
}

/**
 * Adds a recorded take to the song's mix session, from the timeline's start (where the count-in ended and
 * the session began to play): as a new track, or as a new take of a track that becomes its active take.
 * Saved with the version it was based on (a stale session is refused with the server's 409).
 */
async function addToSession(
  s: SongSession,
  onto: string,
  t: { part: string; takeNumber: number; sha256: string; sampleRate: number; frames: number },
): Promise<SongSession> {
  const doc = structuredClone(s.session) as unknown as Record<string, unknown> & {
    audio: Record<string, unknown>;
    tracks: SessionTrackDoc[];
  };
  const slug = t.part.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40) || "take";
  const audioId = `${slug}_take${t.takeNumber}`;
  doc.audio[audioId] = {
    sha256: t.sha256,
    path: `${audioId}.wav`,
    sampleRate: t.sampleRate,
    channels: 1,
    frames: t.frames,
  };
  const clip = { audio: audioId, start: 0, length: t.frames / t.sampleRate };
  if (onto === "new") {
    let id = slug;
    for (let k = 2; doc.tracks.some((x) => x.id === id); k++) id = `${slug}_${k}`;
    doc.tracks.push({
      id,
      name: t.part,
      channels: 1,
      takes: [{ id: "take1", clips: [clip] }],
    } as SessionTrackDoc);
  } else {
    const track = doc.tracks.find((x) => x.id === onto);
    if (!track) throw new Error(`no track ${onto} in the session`);
    let id = `take${t.takeNumber}`;
    for (let k = 2; track.takes.some((x) => x.id === id); k++) id = `take${t.takeNumber}_${k}`;
    track.takes.push({ id, name: `${t.part} take ${t.takeNumber}`, clips: [clip] });
    track.activeTake = id;
  }
  return optional.saveSession(s.songId, { version: s.version, session: doc });
}
