/**
 * The "Mix session" card: whether the strips are the song's stored session (its version and when it was
 * saved) or its takes; create the session, save it, render it on the server with the job's progress, and
 * play and download what the server rendered.
 */
import { api, type SongSession, type VersionJobResult } from "../api.ts";
import { JobProgress } from "../JobProgress.tsx";
import { when } from "../util.ts";

export interface SessionPanelProps {
  session: SongSession | null | undefined;
  songTitle: string;
  /** How many takes a new session would be made of. */
  takeCount: number;
  canWrite: boolean;
  canRender: boolean;
  /** The server render's progress 0…1 (null: not running). */
  progress: number | null;
  serverMix: VersionJobResult | null;
  note: string | null;
  onCreate(): void;
  onSave(): void;
  onRender(): void;
}

export function SessionPanel({
  session,
  songTitle,
  takeCount,
  canWrite,
  canRender,
  progress,
  serverMix,
  note,
  onCreate,
  onSave,
  onRender,
}: SessionPanelProps) {
  return (
    <section className="card" aria-labelledby="session-h">
      <h2 id="session-h">Mix session</h2>
      {session ? (
        <p className="small muted">
          The song's mix session, version {session.version}{" "}
          {`(saved ${when(session.updatedAt)}): rendered on the server exactly as stored.`}
        </p>
      ) : (
        <p className="small muted">
          No mix session yet: the strips below are the song's takes and stems, mixed in the browser.
        </p>
      )}
      <div className="row">
        {!session && canWrite && takeCount > 0 && (
          <button type="button" onClick={onCreate}>
            Create the mix session from {takeCount} tracks
          </button>
        )}
        {session && canWrite && (
          <button type="button" onClick={onSave}>
            Save session
          </button>
        )}
        {session && canRender && (
          <button type="button" className="primary" disabled={progress !== null} onClick={onRender}>
            Render on the server
          </button>
        )}
        <JobProgress label="Render job progress" doing="Rendering on the server…" progress={progress} />
      </div>
      {note && <p role="status">{note}</p>}
      {serverMix?.mix && (
        <div className="row">
          {/* biome-ignore lint/a11y/useMediaCaption: music */}
          <audio controls src={api.blobUrl(serverMix.mix.sha256)} aria-label="Play the server render" />
          <a href={api.blobUrl(serverMix.mix.sha256)} download={`${songTitle} mix.wav`}>
            Download the server render
          </a>
          <span className="small">
            {serverMix.integratedLufs.toFixed(1)} LUFS · true peak {serverMix.truePeakDbtp.toFixed(1)} dBTP
          </span>
        </div>
      )}
    </section>
  );
}
