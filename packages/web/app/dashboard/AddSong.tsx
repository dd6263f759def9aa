/** Adds a song to the project (title and tempo). */
import { useState } from "react";
import { api } from "../api.ts";
import { messageOf } from "../util.ts";

export function AddSong({ projectId, onAdded }: { projectId: string; onAdded(): void }) {
  const [title, setTitle] = useState("");
  const [tempo, setTempo] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="row"
      onSubmit={async (ev) => {
        ev.preventDefault();
        setError(null);
        try {
          await api.createSong(projectId, { title, tempoBpm: tempo ? Number(tempo) : null });
          setTitle("");
          setTempo("");
          onAdded();
        } catch (e) {
          setError(messageOf(e));
        }
      }}
    >
      <label>
        New song title
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Tempo (BPM)
        <input
          type="number"
          min={20}
          max={400}
          step="any"
          value={tempo}
          onChange={(e) => setTempo(e.target.value)}
        />
      </label>
      <button type="submit">Add song</button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
