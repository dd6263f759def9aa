/**
 * The song's versions, newest first: loudness, approval state, play one (it opens in the player below),
 * pick another to compare (B), download; upload a new one. The player shows the picked version, else the
 * newest with audio.
 */
import { useMemo, useState } from "react";
import { allows, api } from "../api.ts";
import { words } from "../util.ts";
import { UploadVersion } from "./UploadVersion.tsx";
import { VersionPlayer } from "./VersionPlayer.tsx";
import { compareVersion, currentVersion, newestFirst, type V } from "./versions.ts";

export function VersionStack({
  projectId,
  songId,
  versions,
  roles,
  onChange,
}: {
  projectId: string;
  songId: string;
  versions: V[];
  roles: string[];
  onChange(): void;
}) {
  const sorted = useMemo(() => newestFirst(versions), [versions]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [other, setOther] = useState<string | null>(null);
  const current = currentVersion(sorted, chosen);
  const canUpload = allows(roles, "mix.upload") || allows(roles, "master.upload");
  return (
    <section className="card" aria-labelledby="versions-h">
      <h2 id="versions-h">Versions</h2>
      {sorted.length === 0 && <p className="muted">No mixes or masters yet.</p>}
      <table className="versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Label</th>
            <th scope="col">Loudness</th>
            <th scope="col">State</th>
            <th scope="col">Listen</th>
            <th scope="col">Compare</th>
            <th scope="col">File</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((v) => (
            <tr key={v.id} className={v.id === current?.id ? "chosen" : ""}>
              <td>
                {v.kind} v{v.number}
              </td>
              <td>{v.label}</td>
              <td>{v.integratedLufs != null ? `${v.integratedLufs.toFixed(1)} LUFS` : "not measured"}</td>
              <td>
                <span className={`state ${v.approvalState}`}>{words(v.approvalState)}</span>
              </td>
              <td>
                <button type="button" disabled={!v.blobSha256} onClick={() => setChosen(v.id)}>
                  {v.id === current?.id ? "Playing" : "Play"} {v.kind} v{v.number}
                </button>
              </td>
              <td>
                <label className="inline">
                  <input
                    type="radio"
                    name="compare"
                    disabled={!v.blobSha256 || v.id === current?.id}
                    checked={other === v.id}
                    onChange={() => setOther(v.id)}
                  />
                  B: {v.kind} v{v.number}
                </label>
              </td>
              <td>
                {v.blobSha256 && (
                  <a href={api.blobUrl(v.blobSha256)} download={`${v.kind} v${v.number}.wav`}>
                    Download {v.kind} v{v.number}
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canUpload && <UploadVersion projectId={projectId} songId={songId} roles={roles} onDone={onChange} />}
      {current && (
        <VersionPlayer
          key={current.id}
          version={current}
          compare={compareVersion(sorted, other, current)}
          roles={roles}
          projectId={projectId}
          onChange={onChange}
        />
      )}
    </section>
  );
}
