/**
 * The mixer. When the song has a mix session on the server (the engine's session document), its tracks
 * and clips are the strips, the faders, pans, mutes and solos are the session's, "Save session" stores them
 * (with the version they were based on) and "Render on the server" runs the render job with progress; the
 * new mix joins the version stack and plays here. Without a session the song's takes and stems are the
 * strips, and "Create the mix session" makes one from them. Either way the browser plays the mix with the
 * engine's pan laws and meters each strip and the master with the engine on the audio thread (sample
 * peak, true peak, momentary loudness); browser-only EQ, compressor and reverb send preview tone ideas, and
 * "Render in the browser" mixes the same graph offline for a quick download.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, allows, api, may, optional, type SongSession, type VersionJobResult } from "../api.ts";
import { audioContext, decodeUrl } from "../audio/context.ts";
import { db, type MeterReading, meterWidth } from "../audio/meter.ts";
import { createMeter, loadMeter } from "../audio/meter-node.ts";
import {
  applyTrack,
  audibility,
  createBusses,
  createTrack,
  DEFAULT_TRACK,
  mixLength,
  renderMix,
  scheduleClips,
  type TrackAudio,
  type TrackNodes,
  type TrackParams,
} from "../audio/mix-graph.ts";
import { probeAudio } from "../audio/probe.ts";
import { encodeWav } from "../audio/wav.ts";
import { followJob } from "../jobs.ts";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";
import { sessionFromStems } from "../session-doc.ts";
import { messageOf, useLoad } from "../util.ts";

/** A strip's source: its name and width, its clips (by blob), and the session's engine inserts if any. */
interface MixTrack {
  key: string;
  name: string;
  channels: number;
  clips: { sha256: string; start: number; offset: number; length: number | null; gainDb: number }[];
  engineInserts: string[];
}

interface SessionTrack {
  id: string;
  name: string;
  channels: number;
  volumeDb: number;
  pan: number;
  mute: boolean;
  solo: boolean;
  inserts: Record<string, unknown>[];
  activeTake?: string;
  takes: {
    id: string;
    clips: { audio: string; start: number; offset: number; length: number; gainDb: number }[];
  }[];
}

function tracksOfSession(s: SongSession): MixTrack[] {
  const audio = s.session.audio as Record<string, { sha256: string }>;
  return (s.session.tracks as unknown as SessionTrack[]).map((t) => {
    const take = t.takes.find((k) => k.id === t.activeTake) ?? t.takes[0];
    return {
      key: t.id,
      name: t.name || t.id,
      channels: t.channels,
      clips: (take?.clips ?? [])
        .filter((c) => audio[c.audio])
        .map((c) => ({
          sha256: audio[c.audio].sha256,
          start: c.start,
          offset: c.offset,
          length: c.length,
          gainDb: c.gainDb,
        })),
      engineInserts: t.inserts.map((i) => String(i.type)),
    };
  });
}

function paramsOfSession(s: SongSession): TrackParams[] {
  return (s.session.tracks as unknown as SessionTrack[]).map((t) => ({
    ...structuredClone(DEFAULT_TRACK),
    gainDb: t.volumeDb,
    pan: t.pan,
    mute: t.mute,
    solo: t.solo,
  }));
}

export function Mixer({ songId }: { songId: string }) {
  const { user } = useSession();
  const [song] = useLoad(() => api.song(songId), [songId]);
  const [project] = useLoad(
    () => (song ? api.project(song.projectId) : Promise.resolve(null)),
    [song?.projectId],
  );
  const [takes, , reloadTakes] = useLoad(() => api.takes(songId), [songId]);
  const [routes] = useLoad(() => optional.routes(), []);
  /** The stored session: undefined while loading, null when the song has none (or the server no route). */
  const [session, setSession] = useState<SongSession | null | undefined>(undefined);
  useEffect(() => {
    if (!routes) return;
    if (!routes.session) {
      setSession(null);
      return;
    }
    optional.session(songId).then(setSession, (e) => {
      if (e instanceof ApiError && e.status === 404) setSession(null);
      else setMsg(messageOf(e));
    });
  }, [routes, songId]);
  const takeTracks = useMemo(
    () => (takes ?? []).filter((t) => t.blobSha256 && t.decision !== "redo"),
    [takes],
  );
  const tracks = useMemo<MixTrack[] | null>(() => {
    if (session === undefined || !takes) return null;
    if (session) return tracksOfSession(session);
    return takeTracks.map((t) => ({
      key: t.id,
      name: `${t.part}${t.number > 1 ? ` ${t.number}` : ""}`,
      channels: 0,
      clips: [{ sha256: t.blobSha256 as string, start: 0, offset: 0, length: null, gainDb: 0 }],
      engineInserts: [],
    }));
  }, [session, takes, takeTracks]);
  const [audio, setAudio] = useState<TrackAudio[] | null>(null);
  const [params, setParams] = useState<TrackParams[]>([]);
  const [playing, setPlaying] = useState(false);
  const [readings, setReadings] = useState<MeterReading[]>([]);
  const [master, setMaster] = useState<MeterReading | null>(null);
  const [render, setRender] = useState<{
    progress: number;
    url?: string;
    blob?: Blob;
    seconds?: number;
  } | null>(null);
  const [serverJob, setServerJob] = useState<number | null>(null);
  const [serverMix, setServerMix] = useState<VersionJobResult | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const live = useRef<{ nodes: TrackNodes[]; sources: AudioBufferSourceNode[]; taps: AudioNode[] } | null>(
    null,
  );
  // Latest readings from the meters on the audio thread, drawn 10 times a second.
  const meters = useRef<(MeterReading | undefined)[]>([]);
  const masterMeter = useRef<MeterReading | null>(null);

  // Decode every clip's file (once per file) and set the strips.
  useEffect(() => {
    if (!tracks) return;
    let ok = true;
    setAudio(null);
    const shas = [...new Set(tracks.flatMap((t) => t.clips.map((c) => c.sha256)))];
    Promise.all(shas.map((sha) => decodeUrl(api.blobUrl(sha)))).then(
      (decoded) => {
        if (!ok) return;
        const bySha = new Map(shas.map((sha, i) => [sha, decoded[i]]));
        setAudio(
          tracks.map((t) => {
            const clips = t.clips.map((c) => {
              const buffer = bySha.get(c.sha256) as AudioBuffer;
              return {
                buffer,
                start: c.start,
                offset: c.offset,
                length: c.length ?? buffer.duration,
                gainDb: c.gainDb,
              };
            });
            return { channels: t.channels || clips[0]?.buffer.numberOfChannels || 1, clips };
          }),
        );
        setParams(session ? paramsOfSession(session) : tracks.map(() => structuredClone(DEFAULT_TRACK)));
      },
      (e) => ok && setMsg(messageOf(e)),
    );
    return () => {
      ok = false;
    };
  }, [tracks, session]);

  // Live parameter changes.
  useEffect(() => {
    const l = live.current;
    if (!l) return;
    const heard = audibility(params);
    for (const [i, n] of l.nodes.entries()) applyTrack(n, params[i], heard[i]);
  }, [params]);

  function stop() {
    const l = live.current;
    if (!l) return;
    for (const s of l.sources) {
      s.onended = null;
      try {
        s.stop();
      } catch {}
    }
    for (const t of l.taps) t.disconnect();
    live.current = null;
    setPlaying(false);
  }

  async function play() {
    if (!audio) return;
    const ctx = audioContext();
    await loadMeter(ctx);
    const busses = createBusses(ctx, ctx.destination);
    const heard = audibility(params);
    const when = ctx.currentTime + 0.05;
    meters.current = audio.map(() => undefined);
    masterMeter.current = null;
    const taps: AudioNode[] = [];
    const sources: AudioBufferSourceNode[] = [];
    const nodes = audio.map((t, i) => {
      const input = ctx.createGain();
      const n = createTrack(ctx, input, busses, t.channels);
      applyTrack(n, params[i], heard[i]);
      const tap = createMeter(ctx, 2, (r) => {
        meters.current[i] = r;
      });
      n.out.connect(tap);
      taps.push(tap);
      sources.push(...scheduleClips(ctx, input, t.clips, when));
      return n;
    });
    const mtap = createMeter(ctx, 2, (r) => {
      masterMeter.current = r;
    });
    busses.master.connect(mtap);
    taps.push(mtap);
    // Stop at the end of the last clip.
    const end = ctx.createConstantSource();
    end.connect(ctx.createGain());
    end.start(when);
    end.stop(when + mixLength(audio));
    end.onended = () => stop();
    live.current = { nodes, sources, taps };
    setPlaying(true);
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: the meter clock runs for the page's life; stop() only reads refs
  useEffect(() => {
    const id = setInterval(() => {
      if (!live.current) return;
      setReadings([...meters.current] as MeterReading[]);
      setMaster(masterMeter.current);
    }, 100);
    return () => {
      clearInterval(id);
      stop();
    };
  }, []);

  async function doRender() {
    if (!audio) return;
    setMsg(null);
    setRender({ progress: 0 });
    try {
      const out = await renderMix(audio, params, (f) => setRender((r) => ({ ...r, progress: f })));
      const chans = [out.getChannelData(0), out.getChannelData(1)];
      const blob = encodeWav(chans, out.sampleRate, 24);
      setRender({ progress: 1, blob, url: URL.createObjectURL(blob), seconds: out.duration });
    } catch (e) {
      setRender(null);
      setMsg(messageOf(e));
    }
  }

  async function createSession() {
    if (!song) return;
    setMsg(null);
    try {
      const stems = [];
      for (const t of takeTracks) {
        const bytes = await (await fetch(api.blobUrl(t.blobSha256 as string))).arrayBuffer();
        const facts = probeAudio(bytes);
        if (!facts) throw new Error(`${t.part}: only WAV and FLAC files can go into a session from here`);
        stems.push({ name: t.part, sha256: t.blobSha256 as string, facts });
      }
      const doc = sessionFromStems(song.title, song.tempoBpm, stems);
      setSession(await optional.saveSession(songId, { version: 0, session: doc as Record<string, unknown> }));
      setNote(`Created the mix session with ${stems.length} tracks.`);
    } catch (e) {
      setMsg(messageOf(e));
    }
  }

  async function saveSession(): Promise<SongSession | null> {
    if (!session) return null;
    const stored = session.session.tracks as unknown as SessionTrack[];
    const doc = {
      ...session.session,
      tracks: stored.map((t, i) => {
        const p = params[i];
        return p ? { ...t, volumeDb: p.gainDb, pan: p.pan, mute: p.mute, solo: p.solo } : t;
      }),
    };
    try {
      const s = await optional.saveSession(songId, { version: session.version, session: doc });
      setSession(s);
      setNote(`Saved session version ${s.version}.`);
      return s;
    } catch (e) {
      setMsg(messageOf(e));
      return null;
    }
  }

  async function renderOnServer() {
    setMsg(null);
    setServerMix(null);
    const s = may(roles, "session.write") ? await saveSession() : session;
    if (!s) return;
    setServerJob(0);
    try {
      const job = await followJob(await optional.render(songId, { sessionVersion: s.version }), setServerJob);
      setServerMix(job.result as VersionJobResult);
      setNote("Render finished: the mix is in the version stack.");
    } catch (e) {
      setMsg(messageOf(e));
    }
    setServerJob(null);
  }

  const set = (i: number, patch: (p: TrackParams) => TrackParams) =>
    setParams((ps) => ps.map((p, j) => (j === i ? patch(structuredClone(p)) : p)));
  const roles = project?.myRoles ?? [];
  if (!song || !project) return <p className="loading">Loading…</p>;
  const canSession = !!routes?.session && may(roles, "session.write");
  return (
    <div className="page">
      <p className="crumbs">
        <Link href={`/songs/${songId}`}>{song.title}</Link> ›
      </p>
      <h1>Mixer</h1>
      {allows(roles, "take.write") && !session && (
        <AddStems
          projectId={project.id}
          songId={songId}
          performer={user?.name ?? "engineer"}
          onDone={reloadTakes}
        />
      )}
      <section className="card" aria-labelledby="session-h">
        <h2 id="session-h">Mix session</h2>
        {session ? (
          <p className="small muted">
            The song's mix session, version {session.version} (saved{" "}
            {new Date(session.updatedAt).toLocaleString()}): rendered on the server exactly as stored.
          </p>
        ) : (
          <p className="small muted">
            No mix session yet: the strips below are the song's takes and stems, mixed in the browser.
          </p>
        )}
        <div className="row">
          {!session && canSession && takeTracks.length > 0 && (
            <button type="button" onClick={createSession}>
              Create the mix session from {takeTracks.length} tracks
            </button>
          )}
          {session && canSession && (
            <button type="button" onClick={saveSession}>
              Save session
            </button>
          )}
          {session && routes?.render && may(roles, "render.run") && (
            <button type="button" className="primary" disabled={serverJob !== null} onClick={renderOnServer}>
              Render on the server
            </button>
          )}
          {serverJob !== null && (
            <label>
              Render job progress
              <progress max={1} value={serverJob} />
            </label>
          )}
          {serverJob !== null && (
            <span role="status">Rendering on the server… {Math.round(serverJob * 100)}%</span>
          )}
        </div>
        {note && <p role="status">{note}</p>}
        {serverMix?.mix && (
          <div className="row">
            {/* biome-ignore lint/a11y/useMediaCaption: music */}
            <audio controls src={api.blobUrl(serverMix.mix.sha256)} aria-label="Play the server render" />
            <a href={api.blobUrl(serverMix.mix.sha256)} download={`${song.title} mix.wav`}>
              Download the server render
            </a>
            <span className="small">
              {serverMix.integratedLufs.toFixed(1)} LUFS · true peak {serverMix.truePeakDbtp.toFixed(1)} dBTP
            </span>
          </div>
        )}
      </section>
      {msg && <p className="error">{msg}</p>}
      {tracks && tracks.length === 0 ? (
        <p className="muted">No tracks yet: add stems above or record takes.</p>
      ) : !audio ? (
        <p className="muted">Loading tracks…</p>
      ) : (
        <>
          <div className="row transport">
            <button type="button" className="primary" onClick={() => (playing ? stop() : play())}>
              {playing ? "■ Stop" : "▶ Play mix"}
            </button>
            <span className="readout" data-testid="master-meter">
              Master: peak {db(master?.peakDb ?? Number.NEGATIVE_INFINITY)} dBFS · true peak{" "}
              {db(master?.truePeakDb ?? Number.NEGATIVE_INFINITY)} dBTP · momentary{" "}
              {db(master?.momentaryLufs ?? Number.NEGATIVE_INFINITY)} LUFS
            </span>
          </div>
          <div className="mixer">
            {(tracks ?? []).map((t, i) => (
              <Strip
                key={t.key}
                name={t.name}
                engineInserts={session ? t.engineInserts : null}
                p={params[i] ?? DEFAULT_TRACK}
                reading={readings[i]}
                onChange={(f) => set(i, f)}
              />
            ))}
          </div>
          <section className="card">
            <h2>Render in the browser</h2>
            <div className="row">
              <button
                type="button"
                className="primary"
                onClick={doRender}
                disabled={render !== null && render.progress < 1}
              >
                Render mix
              </button>
              {render && (
                <label>
                  Render progress
                  <progress max={1} value={render.progress} />
                </label>
              )}
              <span role="status">
                {render && render.progress < 1 && `Rendering… ${Math.round(render.progress * 100)}%`}
                {render?.url && `Render complete: ${render.seconds?.toFixed(1)} s stereo, 24-bit WAV.`}
              </span>
            </div>
            {render?.url && (
              <div className="row">
                {/* biome-ignore lint/a11y/useMediaCaption: a music render has no captions */}
                <audio controls src={render.url} aria-label="Play the render" />
                <a href={render.url} download={`${song.title} mix.wav`}>
                  Download render (WAV)
                </a>
                {allows(roles, "mix.upload") && render.blob && (
                  <button
                    type="button"
                    onClick={async () => {
                      try {
                        const b = await api.upload(project.id, render.blob as Blob, "render.wav");
                        const v = await api.createVersion(songId, {
                          kind: "mix",
                          label: "mixer render",
                          blobSha256: b.sha256,
                        });
                        setMsg(null);
                        setNote(`Added mix v${v.number} to the version stack.`);
                      } catch (e) {
                        setMsg(messageOf(e));
                      }
                    }}
                  >
                    Add to versions as a mix
                  </button>
                )}
              </div>
            )}
            {note && <p role="status">{note}</p>}
          </section>
        </>
      )}
    </div>
  );
}

function Strip({
  name,
  engineInserts,
  p,
  reading,
  onChange,
}: {
  name: string;
  /** The session track's engine inserts (null: no session, so the browser-only inserts are offered). */
  engineInserts: string[] | null;
  p: TrackParams;
  reading: MeterReading | undefined;
  onChange(f: (p: TrackParams) => TrackParams): void;
}) {
  const num = (v: string) => Number(v);
  return (
    <fieldset className="strip" aria-label={`Track ${name}`}>
      <legend>
        <strong>{name}</strong>
      </legend>
      <div className="meter" aria-hidden="true">
        <div style={{ width: meterWidth(reading?.peakDb ?? -100) }} />
      </div>
      <div className="readout">
        {db(reading?.peakDb ?? Number.NEGATIVE_INFINITY)} dBFS ·{" "}
        {db(reading?.momentaryLufs ?? Number.NEGATIVE_INFINITY)} LUFS
      </div>
      <label>
        Fader {name}: {p.gainDb.toFixed(1)} dB
        <input
          type="range"
          min={-60}
          max={12}
          step={0.5}
          value={p.gainDb}
          onChange={(e) => onChange((q) => ({ ...q, gainDb: num(e.target.value) }))}
        />
      </label>
      <label>
        Fader {name} (dB)
        <input
          type="number"
          min={-144}
          max={24}
          step={0.1}
          value={p.gainDb}
          onChange={(e) => onChange((q) => ({ ...q, gainDb: num(e.target.value) }))}
        />
      </label>
      <label>
        Pan {name}:{" "}
        {p.pan === 0 ? "C" : p.pan < 0 ? `L${Math.round(-p.pan * 100)}` : `R${Math.round(p.pan * 100)}`}
        <input
          type="range"
          min={-1}
          max={1}
          step={0.05}
          value={p.pan}
          onChange={(e) => onChange((q) => ({ ...q, pan: num(e.target.value) }))}
        />
      </label>
      <div className="row">
        <button
          type="button"
          aria-pressed={p.mute}
          onClick={() => onChange((q) => ({ ...q, mute: !q.mute }))}
          aria-label={`Mute ${name}`}
        >
          M
        </button>
        <button
          type="button"
          aria-pressed={p.solo}
          onClick={() => onChange((q) => ({ ...q, solo: !q.solo }))}
          aria-label={`Solo ${name}`}
        >
          S
        </button>
      </div>
      {engineInserts ? (
        <p className="small">Engine inserts: {engineInserts.length ? engineInserts.join(" → ") : "none"}</p>
      ) : (
        <>
          <details>
            <summary>Inserts</summary>
            <label className="inline">
              <input
                type="checkbox"
                checked={p.eq.on}
                onChange={(e) => onChange((q) => ({ ...q, eq: { ...q.eq, on: e.target.checked } }))}
              />
              EQ bell
            </label>
            <label>
              Frequency (Hz)
              <input
                type="number"
                min={20}
                max={20000}
                value={p.eq.freqHz}
                onChange={(e) => onChange((q) => ({ ...q, eq: { ...q.eq, freqHz: num(e.target.value) } }))}
              />
            </label>
            <label>
              Gain (dB)
              <input
                type="number"
                min={-24}
                max={24}
                step={0.5}
                value={p.eq.gainDb}
                onChange={(e) => onChange((q) => ({ ...q, eq: { ...q.eq, gainDb: num(e.target.value) } }))}
              />
            </label>
            <label>
              Q
              <input
                type="number"
                min={0.1}
                max={18}
                step={0.1}
                value={p.eq.q}
                onChange={(e) => onChange((q) => ({ ...q, eq: { ...q.eq, q: num(e.target.value) } }))}
              />
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={p.comp.on}
                onChange={(e) => onChange((q) => ({ ...q, comp: { ...q.comp, on: e.target.checked } }))}
              />
              Compressor
            </label>
            <label>
              Threshold (dB)
              <input
                type="number"
                min={-60}
                max={0}
                value={p.comp.thresholdDb}
                onChange={(e) =>
                  onChange((q) => ({ ...q, comp: { ...q.comp, thresholdDb: num(e.target.value) } }))
                }
              />
            </label>
            <label>
              Ratio
              <input
                type="number"
                min={1}
                max={20}
                step={0.5}
                value={p.comp.ratio}
                onChange={(e) => onChange((q) => ({ ...q, comp: { ...q.comp, ratio: num(e.target.value) } }))}
              />
            </label>
          </details>
          <label>
            Reverb send {name}: {p.sendDb <= -60 ? "off" : `${p.sendDb.toFixed(0)} dB`}
            <input
              type="range"
              min={-60}
              max={0}
              step={1}
              value={p.sendDb}
              onChange={(e) => onChange((q) => ({ ...q, sendDb: num(e.target.value) }))}
            />
          </label>
        </>
      )}
    </fieldset>
  );
}

function AddStems({
  projectId,
  songId,
  performer,
  onDone,
}: {
  projectId: string;
  songId: string;
  performer: string;
  onDone(): void;
}) {
  const [files, setFiles] = useState<File[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  return (
    <form
      className="row card"
      onSubmit={async (ev) => {
        ev.preventDefault();
        try {
          for (const [i, f] of files.entries()) {
            setStatus(`Uploading ${f.name} (${i + 1}/${files.length})…`);
            const b = await api.upload(projectId, f, f.name);
            await api.createTake(songId, {
              part: f.name.replace(/\.[^.]+$/, ""),
              performerName: performer,
              blobSha256: b.sha256,
              notes: "stem",
            });
          }
          setStatus(`Added ${files.length} stems.`);
          onDone();
        } catch (e) {
          setStatus(messageOf(e));
        }
      }}
    >
      <label>
        Stem files
        <input
          type="file"
          multiple
          accept="audio/*,.wav,.flac,.mp3,.ogg"
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
      </label>
      <button type="submit" disabled={files.length === 0}>
        Add stems
      </button>
      {status && <p role="status">{status}</p>}
    </form>
  );
}
