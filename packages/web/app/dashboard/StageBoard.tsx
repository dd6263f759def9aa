/**
 * The songs × stages board: a column per stage with its count and its songs' cards (open comments, tasks,
 * latest version). Those whose roles allow move a song by dragging its card to another column, or with the
 * card's menu (the keyboard way).
 */
import { STAGES } from "@controlroom/studio/songs/pipeline.ts";
import { useState } from "react";
import type { Dashboard, Wire } from "../api.ts";
import { Link } from "../router.tsx";
import { words } from "../util.ts";
import { AddSong } from "./AddSong.tsx";

export function StageBoard({
  songs,
  counts,
  canMove,
  canAdd,
  projectId,
  onMove,
  onAdded,
}: {
  songs: Wire<Dashboard>["songs"];
  counts: Wire<Dashboard>["stages"];
  canMove: boolean;
  canAdd: boolean;
  projectId: string;
  onMove(songId: string, stage: string): void;
  onAdded(): void;
}) {
  const [dragging, setDragging] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="board-h">
      <h2 id="board-h">Songs by stage</h2>
      <ul className="board">
        {STAGES.map((stage) => (
          <li
            key={stage}
            className={`column${dragging ? " droppable" : ""}`}
            data-stage={stage}
            aria-label={`Stage ${words(stage)}`}
            onDragOver={(ev) => canMove && ev.preventDefault()}
            onDrop={(ev) => {
              ev.preventDefault();
              // The id travels in the drag data; the state is the fallback for browsers that withhold it.
              const id = ev.dataTransfer.getData("text/plain") || dragging;
              setDragging(null);
              if (id) onMove(id, stage);
            }}
          >
            <h3>
              {words(stage)} <span className="count">{counts[stage] ?? 0}</span>
            </h3>
            {songs
              .filter((s) => s.status === stage)
              .map((s) => (
                // biome-ignore lint/a11y/noStaticElementInteractions: a drag handle; the menu inside is the keyboard way
                <div
                  key={s.id}
                  className="songcard"
                  draggable={canMove}
                  data-song={s.title}
                  onDragStart={(ev) => {
                    ev.dataTransfer.setData("text/plain", s.id);
                    setDragging(s.id);
                  }}
                  onDragEnd={() => setDragging(null)}
                >
                  <Link href={`/songs/${s.id}`}>{s.title}</Link>
                  <div className="small muted">
                    {s.openComments} open comments · {s.openTasks} tasks
                    {s.latestVersion &&
                      ` · ${s.latestVersion.kind} v${s.latestVersion.number} ${words(s.latestVersion.approvalState)}`}
                  </div>
                  {canMove && (
                    <label className="small">
                      Move “{s.title}” to
                      <select value={s.status} onChange={(e) => onMove(s.id, e.target.value)}>
                        {STAGES.map((x) => (
                          <option key={x} value={x}>
                            {words(x)}
                          </option>
                        ))}
                      </select>
                    </label>
                  )}
                </div>
              ))}
          </li>
        ))}
      </ul>
      {canAdd && <AddSong projectId={projectId} onAdded={onAdded} />}
    </section>
  );
}
