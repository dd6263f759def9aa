/**
 * Uploads a mix or master as a new version of the song; when the user may run jobs, the server then
 * measures its loudness (the analyze job) with progress.
 */
import { useState } from "react";
import { allows, api } from "../api.ts";
import { runJob } from "../jobs.ts";
import { messageOf } from "../util.ts";

export function UploadVersion({
  projectId,
  songId,
  roles,
  onDone,
}: {
  projectId: string;
  songId: string;
  roles: string[];
  onDone(): void;
}) {
  const [kind, setKind] = useState<"mix" | "master">(allows(roles, "mix.upload") ? "mix" : "master");
  const [label, setLabel] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  return (
    <form
      className="row"
      onSubmit={async (ev) => {
        ev.preventDefault();
        if (!file) return;
        try {
          setStatus(`Uploading ${file.name}…`);
          const blob = await api.upload(projectId, file, file.name);
          const v = await api.createVersion(songId, {
            kind,
            label: label || file.name,
            blobSha256: blob.sha256,
          });
          onDone();
          if (allows(roles, "job.run")) {
            setStatus(`Measuring loudness of ${kind} v${v.number}…`);
            await runJob(projectId, { kind: "analyze", input: { versionId: v.id } }, (p) =>
              setStatus(`Measuring loudness of ${kind} v${v.number}… ${Math.round(p * 100)}%`),
            );
          }
          setStatus(`Uploaded ${kind} v${v.number}.`);
          setLabel("");
          onDone();
        } catch (e) {
          setStatus(messageOf(e));
          onDone();
        }
      }}
    >
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as "mix")}>
          {allows(roles, "mix.upload") && <option value="mix">mix</option>}
          {allows(roles, "master.upload") && <option value="master">master</option>}
        </select>
      </label>
      <label>
        Label
        <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. vocal up 1 dB" />
      </label>
      <label>
        Audio file
        <input
          type="file"
          accept="audio/*,.wav,.flac,.mp3,.ogg"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" disabled={!file}>
        Upload version
      </button>
      {status && <p role="status">{status}</p>}
    </form>
  );
}
