/**
 * Mastering on the server: submits the mastering job for a mix version and target, follows its progress,
 * and shows what it left — the new master version, its loudness and true peak, the server's QC checks —
 * with the master to play and download. Shown only when the server has the mastering route.
 */
import { api, optional, type VersionJobResult } from "../api.ts";
import { JobProgress } from "../JobProgress.tsx";
import { useJob } from "../jobs.ts";

export function ServerMaster({
  versionId,
  target,
  onDone,
}: {
  versionId: string | null;
  target: string;
  onDone(): void;
}) {
  const { progress, result, error: err, run } = useJob<VersionJobResult>();
  return (
    <section className="card" aria-labelledby="srv-master-h">
      <h2 id="srv-master-h">Master on the server</h2>
      <p className="small muted">
        Runs the mastering job: the engine masters the mix to the target, checks it, and adds it to the
        version stack as a master.
      </p>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!versionId || progress !== null}
          onClick={async () => {
            if (!versionId) return;
            if (await run(() => optional.master({ versionId, target }))) onDone();
          }}
        >
          Master on the server
        </button>
        <JobProgress label="Mastering job progress" doing="Mastering on the server…" progress={progress} />
      </div>
      {err && <p className="error">{err}</p>}
      {result && (
        <div>
          <p role="status">
            Master ready: {result.integratedLufs.toFixed(1)} LUFS, true peak {result.truePeakDbtp.toFixed(1)}{" "}
            dBTP
            {result.onTarget === false ? " — off target" : ""}.
          </p>
          {result.qc && (
            <>
              <h3>Server QC: {result.qc.verdict}</h3>
              <ul className="checklist">
                {result.qc.checks.map((c) => (
                  <li
                    key={c.id}
                    className={c.verdict === "fail" ? "error" : c.verdict === "pass" ? "ok" : ""}
                  >
                    {c.verdict === "pass" ? "✓" : c.verdict === "fail" ? "✗" : "!"} {c.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.master && (
            <div className="row">
              {/* biome-ignore lint/a11y/useMediaCaption: music */}
              <audio controls src={api.blobUrl(result.master.sha256)} aria-label="Play the server master" />
              <a href={api.blobUrl(result.master.sha256)} download="master.wav">
                Download the server master
              </a>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
