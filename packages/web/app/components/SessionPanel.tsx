/**
 * The song's mix session on the server (the engine's session document): create it from the tracks, set
 * each track's fader, pan, mute and solo, save (with the version it was based on: a stale save gets the
 * server's 409), and render it on the server as a job with progress; the new mix joins the version stack and
 * plays here. Shown only when the server has the session and render routes.
 */
import { useEffect, useState } from "react";
import {
  ApiError,
  api,
  may,
  optional,
  type SongSession,
  type Take,
  type VersionJobResult,
  type Wire,
} from "../api.ts";
import { probeAudio } from "../audio/probe.ts";
import { followJob } from "../jobs.ts";
import { sessionFromStems } from "../session-doc.ts";
import { messageOf } from "../util.ts";

interface TrackView {
  id: string;
  name: string;
  volumeDb: number;
  pan: number;
  mute: boolean;
  solo: boolean;
  inserts: Record<string, unknown>[];
}

export function SessionPanel({
  songId,
  title,
  bpm,
  roles,
  takes,
  onRendered,
}: {
  songId: string;
  title: string;
  bpm: number | null;
  roles: string[];
  takes: Wire<Take>[];
  onRendered(): void;
}) {
  const [stored, setStored] = useState<SongSession | null | undefined>(undefined);
  const [tracks, setTracks] = useState<TrackView[]>([]);
  const [msg, setMsg] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [rendered, setRendered] = useState<VersionJobResult | null>(null);
  const canWrite = may(roles, "session.write");
  const canRender = may(roles, "render.run");

  const show = (s: SongSession | null) => {
    setStored(s);
    const t = (s?.session.tracks as TrackView[] | undefined) ?? [];
    setTracks(t.map((x) => ({ ...x })));
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: show() only sets state
  useEffect(() => {
    optional
      .session(songId)
      .then(show, (e) => (e instanceof ApiError && e.status === 404 ? show(null) : setMsg(messageOf(e))));
  }, [songId]);

  async function create() {
    setMsg(null);
    try {
      const stems = [];
      for (const t of takes.filter((x) => x.blobSha256)) {
        const bytes = await (await fetch(api.blobUrl(t.blobSha256 as string))).arrayBuffer();
        const facts = probeAudio(bytes);
        if (!facts) throw new Error(`${t.part}: only WAV and FLAC files can go into a session from here`);
        stems.push({ name: t.part, sha256: t.blobSha256 as string, facts });
      }
      const doc = sessionFromStems(title, bpm, stems);
      show(await optional.saveSession(songId, { version: 0, session: doc as Record<string, unknown> }));
      setMsg(`Created the mix session with ${stems.length} tracks.`);
    } catch (e) {
      setMsg(messageOf(e));
    }
  }

  async function save(): Promise<SongSession | null> {
    if (!stored) return null;
    const before = (stored.session.tracks as TrackView[]) ?? [];
    const session = {
      ...stored.session,
      tracks: before.map((t) => {
        const v = tracks.find((x) => x.id === t.id);
        return v ? { ...t, volumeDb: v.volumeDb, pan: v.pan, mute: v.mute, solo: v.solo } : t;
      }),
    };
    try {
      const s = await optional.saveSession(songId, { version: stored.version, session });
      show(s);
      setMsg(`Saved session version ${s.version}.`);
      return s;
    } catch (e) {
      setMsg(messageOf(e));
      return null;
    }
  }

  if (stored === undefined) return null;
  const set = (id: string, patch: Partial<TrackView>) =>
    setTracks(tracks.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  return (
    <section className="card" aria-labelledby="session-h">
      <h2 id="session-h">Mix session (rendered on the server)</h2>
      {!stored ? (
        <div className="row">
          <p className="muted">This song has no mix session yet.</p>
          {canWrite && takes.some((t) => t.blobSha256) && (
            <button type="button" onClick={create}>
              Create the mix session from {takes.filter((t) => t.blobSha256).length} tracks
            </button>
          )}
        </div>
      ) : (
        <>
          <p className="small muted">
            Session version {stored.version}, saved {new Date(stored.updatedAt).toLocaleString()}.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Track</th>
                <th scope="col">Fader (dB)</th>
                <th scope="col">Pan</th>
                <th scope="col">Mute</th>
                <th scope="col">Solo</th>
                <th scope="col">Engine inserts</th>
              </tr>
            </thead>
            <tbody>
              {tracks.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name || t.id}</th>
                  <td>
                    <input
                      type="number"
                      aria-label={`Session fader ${t.name || t.id} (dB)`}
                      min={-144}
                      max={24}
                      step={0.5}
                      disabled={!canWrite}
                      value={t.volumeDb}
                      onChange={(e) => set(t.id, { volumeDb: Number(e.target.value) })}
                    />
                  </td>
                  <td>
                    <input
                      type="number"
                      aria-label={`Session pan ${t.name || t.id}`}
                      min={-1}
                      max={1}
                      step={0.05}
                      disabled={!canWrite}
                      value={t.pan}
                      onChange={(e) => set(t.id, { pan: Number(e.target.value) })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Session mute ${t.name || t.id}`}
                      disabled={!canWrite}
                      checked={t.mute}
                      onChange={(e) => set(t.id, { mute: e.target.checked })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Session solo ${t.name || t.id}`}
                      disabled={!canWrite}
                      checked={t.solo}
                      onChange={(e) => set(t.id, { solo: e.target.checked })}
                    />
                  </td>
                  <td className="small">
                    {t.inserts.length === 0 ? "none" : t.inserts.map((p) => String(p.type)).join(" → ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            {canWrite && (
              <button type="button" onClick={save}>
                Save session
              </button>
            )}
            {canRender && (
              <button
                type="button"
                className="primary"
                disabled={progress !== null}
                onClick={async () => {
                  setRendered(null);
                  const s = canWrite ? await save() : stored;
                  if (!s) return;
                  setProgress(0);
                  try {
                    const job = await followJob(
                      await optional.render(songId, { sessionVersion: s.version }),
                      setProgress,
                    );
                    setRendered(job.result as VersionJobResult);
                    setMsg("Render finished: the mix is in the version stack.");
                    onRendered();
                  } catch (e) {
                    setMsg(messageOf(e));
                  }
                  setProgress(null);
                }}
              >
                Render on the server
              </button>
            )}
            {progress !== null && (
              <label>
                Render job progress
                <progress max={1} value={progress} />
              </label>
            )}
            {progress !== null && (
              <span role="status">Rendering on the server… {Math.round(progress * 100)}%</span>
            )}
          </div>
        </>
      )}
      {msg && <p role="status">{msg}</p>}
      {rendered?.mix && (
        <div className="row">
          {/* biome-ignore lint/a11y/useMediaCaption: music */}
          <audio controls src={api.blobUrl(rendered.mix.sha256)} aria-label="Play the server render" />
          <a href={api.blobUrl(rendered.mix.sha256)} download="mix.wav">
            Download the server render
          </a>
          <span className="small">
            {rendered.integratedLufs.toFixed(1)} LUFS · true peak {rendered.truePeakDbtp.toFixed(1)} dBTP
          </span>
        </div>
      )}
    </section>
  );
}
