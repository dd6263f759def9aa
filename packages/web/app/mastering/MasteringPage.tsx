/**
 * Mastering: pick a version and a delivery target, run the engine's loudness-targeted true-peak limiting (in
 * a worker), compare loudness over time and spectrum before/after, tick the QC checklist, download the
 * deliverables or add the master to the version stack; or master on the server (ServerMaster).
 */
import { CD_DEFAULT_LUFS, TARGETS } from "@controlroom/engine/mastering/targets.ts";
import { useMemo, useState } from "react";
import { allows, api, may, optional } from "../api.ts";
import type { MasterOutcome } from "../audio/mastering.ts";
import { db } from "../audio/meter.ts";
import { qcChecklist } from "../audio/qc.ts";
import { useAudio } from "../audio/services.tsx";
import { encodeWav } from "../audio/wav.ts";
import { Link } from "../router.tsx";
import { messageOf, useLoad } from "../util.ts";
import { LineChart } from "./LineChart.tsx";
import { ServerMaster } from "./ServerMaster.tsx";
import { masteringSource, withAudio } from "./sources.ts";

const TARGET_LIST = Object.values(TARGETS);

export function MasteringPage({ songId }: { songId: string }) {
  const audio = useAudio();
  const [song] = useLoad(() => api.song(songId), [songId]);
  const [project] = useLoad(
    () => (song ? api.project(song.projectId) : Promise.resolve(null)),
    [song?.projectId],
  );
  const [versions, , reloadVersions] = useLoad(() => api.versions(songId), [songId]);
  const [routes] = useLoad(() => optional.routes(), []);
  const serverMaster = !!routes?.master;
  const sources = useMemo(() => withAudio(versions ?? []), [versions]);
  const [sourceId, setSourceId] = useState("");
  const [targetName, setTargetName] = useState("spotify");
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<
    (MasterOutcome & { rate: number; files: { label: string; url: string; blob: Blob }[] }) | null
  >(null);
  const [msg, setMsg] = useState<string | null>(null);
  const source = masteringSource(sources, sourceId);

  async function run() {
    if (!source?.blobSha256) return;
    setMsg(null);
    setResult(null);
    setProgress(0);
    try {
      const buf = await audio.decode(api.blobUrl(source.blobSha256));
      const ch = Array.from({ length: buf.numberOfChannels }, (_, c) => buf.getChannelData(c).slice());
      const r = await audio.master(ch, buf.sampleRate, targetName, setProgress);
      // The master is at the target's delivery rate (CD: 44.1 kHz), which may not be the mix's.
      const b24 = encodeWav(r.output, r.sampleRate, 24);
      const b16 = encodeWav(r.output, r.sampleRate, 16);
      setResult({
        ...r,
        rate: r.sampleRate,
        files: [
          { label: "Master, 24-bit WAV", url: URL.createObjectURL(b24), blob: b24 },
          { label: "Master, 16-bit WAV", url: URL.createObjectURL(b16), blob: b16 },
        ],
      });
    } catch (e) {
      setMsg(messageOf(e));
    }
    setProgress(null);
  }

  if (!song || !project) return <p className="loading">Loading…</p>;
  const qc = result ? qcChecklist(result, result.rate) : [];
  return (
    <div className="page">
      <p className="crumbs">
        <Link href={`/songs/${songId}`}>{song.title}</Link> ›
      </p>
      <h1>Mastering</h1>
      <section className="card">
        <div className="row">
          <label>
            Source version
            <select value={source?.id ?? ""} onChange={(e) => setSourceId(e.target.value)}>
              {sources.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.kind} v{v.number} {v.label}
                  {v.approvalState === "approved" ? " (approved)" : ""}
                </option>
              ))}
            </select>
          </label>
          <label>
            Target
            <select value={targetName} onChange={(e) => setTargetName(e.target.value)}>
              {TARGET_LIST.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.description}
                  {t.lufs === null ? ` (${CD_DEFAULT_LUFS} LUFS)` : ""}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="primary" disabled={!source || progress !== null} onClick={run}>
            Master in the browser
          </button>
          {progress !== null && (
            <label>
              Mastering progress
              <progress max={1} value={progress} />
            </label>
          )}
        </div>
        {sources.length === 0 && <p className="muted">Upload a mix on the song page first.</p>}
        {msg && <p className="error">{msg}</p>}
      </section>
      {serverMaster && may(project.myRoles, "master.run") && (
        <ServerMaster
          versionId={source?.kind === "mix" ? source.id : null}
          target={targetName}
          onDone={reloadVersions}
        />
      )}
      {result && (
        <>
          <section className="card" aria-labelledby="ba-h">
            <h2 id="ba-h">Before and after</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col">Integrated</th>
                  <th scope="col">Loudness range</th>
                  <th scope="col">True peak</th>
                </tr>
              </thead>
              <tbody>
                {(["before", "after"] as const).map((k) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td>{db(result[k].integratedLufs)} LUFS</td>
                    <td>{result[k].loudnessRangeLu.toFixed(1)} LU</td>
                    <td>{db(result[k].truePeakDbtp)} dBTP</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="small muted">
              Engine mastering to {result.target.description}: limiter drive {result.driveDb.toFixed(2)} dB,
              limiting {result.limitingDb.toFixed(1)} dB, {result.passes} measured pass
              {result.passes > 1 ? "es" : ""}.
            </p>
            {result.warnings.map((w) => (
              <p key={w} className="small warning">
                {w}
              </p>
            ))}
            <div className="grid2">
              <LineChart
                title="Short-term loudness over time (LUFS)"
                series={[
                  { name: "before", y: result.before.shortTerm, cls: "before" },
                  { name: "after", y: result.after.shortTerm, cls: "after" },
                ]}
                xLabel={(i) => `${(i / 10).toFixed(0)} s`}
                min={-60}
                max={0}
              />
              <LineChart
                title="Spectrum, third-octave bands (dB)"
                series={[
                  { name: "before", y: result.before.spectrum.map((b) => b.levelDb), cls: "before" },
                  { name: "after", y: result.after.spectrum.map((b) => b.levelDb), cls: "after" },
                ]}
                xLabel={(i) => hz(result.before.spectrum[i]?.centerHz ?? 0)}
                min={-100}
                max={0}
              />
            </div>
          </section>
          <section className="card" aria-labelledby="qc-h">
            <h2 id="qc-h">QC checklist</h2>
            <ul className="checklist">
              {qc.map((c) => (
                <li key={c.label} className={c.ok ? "ok" : "error"}>
                  {c.ok ? "✓" : "✗"} {c.label}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="dl-h">
            <h2 id="dl-h">Deliverables</h2>
            {/* biome-ignore lint/a11y/useMediaCaption: music */}
            <audio controls src={result.files[0].url} aria-label="Play the master" />
            <ul className="list">
              {result.files.map((f) => (
                <li key={f.label}>
                  <a
                    href={f.url}
                    download={`${song.title} ${f.label.replace(/[^a-z0-9]+/gi, " ").trim()}.wav`}
                  >
                    Download {f.label}
                  </a>
                </li>
              ))}
            </ul>
            {allows(project.myRoles, "master.upload") && (
              <button
                type="button"
                onClick={async () => {
                  try {
                    const b = await api.upload(project.id, result.files[0].blob, "master.wav");
                    const v = await api.createVersion(songId, {
                      kind: "master",
                      label: `${result.target.name} ${result.targetLufs} LUFS`,
                      blobSha256: b.sha256,
                      integratedLufs: Math.max(-70, Math.min(0, result.after.integratedLufs)),
                    });
                    setMsg(`Added master v${v.number} to the version stack.`);
                    reloadVersions();
                  } catch (e) {
                    setMsg(messageOf(e));
                  }
                }}
              >
                Add to versions as a master
              </button>
            )}
          </section>
        </>
      )}
    </div>
  );
}

const hz = (f: number) => (f >= 1000 ? `${f / 1000}k` : `${f}`);
