/** Adds stem files to the song as takes (each uploaded, then listed as a take named after its file). */
import { useState } from "react";
import { api } from "../api.ts";
import { messageOf } from "../util.ts";

export function AddStems({
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
