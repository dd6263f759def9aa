/**
 * The mixer: one strip per track (the song's takes and stems that have audio) with fader, pan, mute/solo,
 * an EQ and a compressor insert with their parameters, a reverb send, and live meters computed with the
 * engine (sample peak, true peak, momentary loudness). Render mixes the same graph offline with progress,
 * then plays it, offers it for download, and can add it to the version stack as a new mix.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { allows, api, optional, type Take, type Wire } from "../api.ts";
import { audioContext, decodeUrl } from "../audio/context.ts";
import { db, type MeterReading, meterWidth } from "../audio/meter.ts";
import { createMeter, loadMeter } from "../audio/meter-node.ts";
import {
  applyTrack,
  audibility,
  createBusses,
  createTrack,
  DEFAULT_TRACK,
  renderMix,
  type TrackNodes,
  type TrackParams,
} from "../audio/mix-graph.ts";
import { encodeWav } from "../audio/wav.ts";
import { SessionPanel } from "../components/SessionPanel.tsx";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";
import { messageOf, useLoad } from "../util.ts";

type T = Wire<Take>;

export function Mixer({ songId }: { songId: string }) {
  const { user } = useSession();
  const [song] = useLoad(() => api.song(songId), [songId]);
  const [project] = useLoad(
    () => (song ? api.project(song.projectId) : Promise.resolve(null)),
    [song?.projectId],
  );
  const [takes, , reloadTakes] = useLoad(() => api.takes(songId), [songId]);
  const [routes] = useLoad(() => optional.routes(), []);
  const tracks = useMemo(() => (takes ?? []).filter((t) => t.blobSha256 && t.decision !== "redo"), [takes]);
  const [buffers, setBuffers] = useState<AudioBuffer[] | null>(null);
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
  const [msg, setMsg] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const live = useRef<{ nodes: TrackNodes[]; sources: AudioBufferSourceNode[]; taps: AudioNode[] } | null>(
    null,
  );
  // Latest readings from the meters on the audio thread, drawn 10 times a second.
  const meters = useRef<(MeterReading | undefined)[]>([]);
  const masterMeter = useRef<MeterReading | null>(null);

  useEffect(() => {
    let ok = true;
    setBuffers(null);
    Promise.all(tracks.map((t) => decodeUrl(api.blobUrl(t.blobSha256 as string)))).then(
      (b) => {
        if (!ok) return;
        setBuffers(b);
        setParams(tracks.map(() => structuredClone(DEFAULT_TRACK)));
      },
      (e) => ok && setMsg(messageOf(e)),
    );
    return () => {
      ok = false;
    };
  }, [tracks]);

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
    if (!buffers) return;
    const ctx = audioContext();
    await loadMeter(ctx);
    const busses = createBusses(ctx, ctx.destination);
    const heard = audibility(params);
    const when = ctx.currentTime + 0.05;
    meters.current = buffers.map(() => undefined);
    masterMeter.current = null;
    const taps: AudioNode[] = [];
    const sources: AudioBufferSourceNode[] = [];
    const nodes = buffers.map((b, i) => {
      const src = ctx.createBufferSource();
      src.buffer = b;
      const n = createTrack(ctx, src, busses, b.numberOfChannels);
      applyTrack(n, params[i], heard[i]);
      const tap = createMeter(ctx, 2, (r) => {
        meters.current[i] = r;
      });
      n.out.connect(tap);
      taps.push(tap);
      src.start(when);
      sources.push(src);
      return n;
    });
    const mtap = createMeter(ctx, 2, (r) => {
      masterMeter.current = r;
    });
    busses.master.connect(mtap);
    taps.push(mtap);
    const longest = sources.reduce((a, s) => ((s.buffer?.duration ?? 0) > (a.buffer?.duration ?? 0) ? s : a));
    longest.onended = () => stop();
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
    if (!buffers) return;
    setMsg(null);
    setRender({ progress: 0 });
    try {
      const out = await renderMix(buffers, params, (f) => setRender((r) => ({ ...r, progress: f })));
      const chans = [out.getChannelData(0), out.getChannelData(1)];
      const blob = encodeWav(chans, out.sampleRate, 24);
      setRender({ progress: 1, blob, url: URL.createObjectURL(blob), seconds: out.duration });
    } catch (e) {
      setRender(null);
      setMsg(messageOf(e));
    }
  }

  const set = (i: number, patch: (p: TrackParams) => TrackParams) =>
    setParams((ps) => ps.map((p, j) => (j === i ? patch(structuredClone(p)) : p)));
  const roles = project?.myRoles ?? [];
  if (!song || !project) return <p className="loading">Loading…</p>;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href={`/songs/${songId}`}>{song.title}</Link> ›
      </p>
      <h1>Mixer</h1>
      {allows(roles, "take.write") && (
        <AddStems
          projectId={project.id}
          songId={songId}
          performer={user?.name ?? "engineer"}
          onDone={reloadTakes}
        />
      )}
      {msg && <p className="error">{msg}</p>}
      {tracks.length === 0 ? (
        <p className="muted">No tracks yet: add stems above or record takes.</p>
      ) : !buffers ? (
        <p className="muted">Loading {tracks.length} tracks…</p>
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
            {tracks.map((t, i) => (
              <Strip
                key={t.id}
                take={t}
                p={params[i] ?? DEFAULT_TRACK}
                reading={readings[i]}
                onChange={(f) => set(i, f)}
              />
            ))}
          </div>
          <section className="card">
            <h2>Render</h2>
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
      {routes?.session && routes.render && (
        <SessionPanel
          songId={songId}
          title={song.title}
          bpm={song.tempoBpm}
          roles={roles}
          takes={tracks}
          onRendered={() => {}}
        />
      )}
    </div>
  );
}

function Strip({
  take,
  p,
  reading,
  onChange,
}: {
  take: T;
  p: TrackParams;
  reading: MeterReading | undefined;
  onChange(f: (p: TrackParams) => TrackParams): void;
}) {
  const name = `${take.part}${take.number > 1 ? ` ${take.number}` : ""}`;
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
