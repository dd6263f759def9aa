/**
 * Under a comment on the song page: "Mark as sound note" for those who give notes (producer, artist, A&R),
 * and, once marked, the note's state — the proposal being worked out, the proposed moves with their reasons
 * and "Open in the mixer" for the engineers, the engineer's rejection, or "done in mix vN" with before,
 * predicted and measured numbers. Polls while a job runs.
 */
import { describeNotUnderstood } from "@controlroom/engine/brief/parse-note.ts";
import { useEffect, useState } from "react";
import { type Comment, may, type SoundNote, soundNotes, type Wire } from "../api.ts";
import { Link } from "../router.tsx";
import { messageOf } from "../util.ts";
import { MoveList } from "./MoveList.tsx";

/** How often a running note is read again, ms. */
const POLL_MS = 1500;

export function SoundNoteSection({
  comment,
  songId,
  roles,
}: {
  comment: Wire<Comment>;
  songId: string;
  roles: readonly string[];
}) {
  const [note, setNote] = useState<Wire<SoundNote> | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const marked = comment.soundNote || note !== null;
  const running =
    note?.state === "proposing" ||
    (note?.state === "accepted" && !!note.render && ["queued", "running"].includes(note.render.status));

  useEffect(() => {
    if (!comment.soundNote) return;
    soundNotes.get(comment.id).then(setNote, (e) => setErr(messageOf(e)));
  }, [comment.id, comment.soundNote]);
  // Read again a while after each answer, as long as a job runs.
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new answer (note) schedules the next read
  useEffect(() => {
    if (!running) return;
    const t = setTimeout(
      () => soundNotes.get(comment.id).then(setNote, (e) => setErr(messageOf(e))),
      POLL_MS,
    );
    return () => clearTimeout(t);
  }, [running, note, comment.id]);

  if (comment.parentId) return null;
  if (!marked) {
    if (!may(roles, "soundnote.mark")) return null;
    return (
      <div className="sound-note">
        {err && <p className="error">{err}</p>}
        <button
          type="button"
          onClick={async () => {
            try {
              setNote(await soundNotes.mark(comment.id));
            } catch (e) {
              setErr(messageOf(e));
            }
          }}
        >
          Mark as sound note
        </button>
      </div>
    );
  }
  return (
    <section className="sound-note" aria-label={`Sound note: ${comment.body}`}>
      <span className="tag">sound note</span> {err && <span className="error">{err}</span>}
      {!note ? (
        <span className="muted"> loading…</span>
      ) : note.state === "proposing" ? (
        <span className="muted">
          {" "}
          {note.job?.status === "failed"
            ? `could not propose moves: ${note.job.error}`
            : `working out the moves… ${Math.round((note.job?.progress ?? 0) * 100)}%`}
        </span>
      ) : (
        <>
          {note.notUnderstood.length > 0 && (
            <ul className="small not-understood">
              {note.notUnderstood.map((u) => (
                <li key={`${u.kind}:${u.word}`}>{describeNotUnderstood(u)}</li>
              ))}
            </ul>
          )}
          {note.state === "proposed" && (
            <>
              <p className="small">
                Proposed on session v{note.sessionVersion}
                {note.span
                  ? `, measured over ${note.span.start.toFixed(1)}–${note.span.end.toFixed(1)} s`
                  : ""}
                :
              </p>
              <MoveList moves={note.moves} />
              {may(roles, "soundnote.decide") && (
                <Link href={`/songs/${songId}/mixer/notes/${comment.id}`}>
                  Open in the mixer (A/B, edit, accept)
                </Link>
              )}
            </>
          )}
          {note.state === "rejected" && <p className="small">Not taken: see the reply.</p>}
          {note.state === "accepted" && (
            <>
              <p>
                {note.doneIn ? (
                  <strong>Done in mix v{note.doneIn.number}</strong>
                ) : note.render?.status === "failed" ? (
                  <span className="error">The render failed: {note.render.error}</span>
                ) : (
                  <span className="muted">
                    Accepted in session v{note.acceptedSessionVersion}; rendering the mix…{" "}
                    {Math.round((note.render?.progress ?? 0) * 100)}%
                  </span>
                )}
              </p>
              <MoveList moves={note.acceptedMoves ?? []} />
            </>
          )}
        </>
      )}
    </section>
  );
}
