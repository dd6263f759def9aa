/** A version's comments in order: play from a comment's moment, resolve or reopen it, reply to it. */
import { useState } from "react";
import { api, type Comment, type Wire } from "../api.ts";
import { SoundNoteSection } from "../soundnote/SoundNoteSection.tsx";
import { clock, messageOf } from "../util.ts";

export function CommentList({
  comments,
  canWrite,
  versionId,
  onPlay,
  onChange,
  songId,
  roles,
}: {
  comments: Wire<Comment>[];
  canWrite: boolean;
  versionId: string;
  onPlay(t: number): void;
  onChange(): void;
  /** With the song and the viewer's roles, sound notes are shown (and can be marked) under the comments. */
  songId?: string;
  roles?: readonly string[];
}) {
  const [err, setErr] = useState<string | null>(null);
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const [reply, setReply] = useState("");
  if (comments.length === 0) return <p className="muted">No comments on this version yet.</p>;
  return (
    <div>
      <h3>Comments</h3>
      {err && <p className="error">{err}</p>}
      <ol className="comments">
        {comments.map((c) => (
          <li key={c.id} className={c.resolvedAt ? "resolved" : ""}>
            {c.atSeconds != null && (
              <button type="button" className="time" onClick={() => onPlay(c.atSeconds ?? 0)}>
                ▶ {clock(c.atSeconds)}
                {c.endSeconds != null ? `–${clock(c.endSeconds)}` : ""}
              </button>
            )}{" "}
            <strong>{c.authorName}</strong>: {c.body} {c.resolvedAt && <span className="tag">resolved</span>}
            {canWrite && (
              <span className="actions">
                <button
                  type="button"
                  onClick={async () => {
                    try {
                      await api.resolveComment(c.id, { version: c.version, resolved: !c.resolvedAt });
                      onChange();
                    } catch (e) {
                      setErr(messageOf(e));
                    }
                  }}
                >
                  {c.resolvedAt ? "Reopen" : "Resolve"}
                </button>
                <button type="button" onClick={() => setReplyTo(replyTo === c.id ? null : c.id)}>
                  Reply
                </button>
              </span>
            )}
            {songId && roles && <SoundNoteSection comment={c} songId={songId} roles={roles} />}
            {c.replies.length > 0 && (
              <ul>
                {c.replies.map((r) => (
                  <li key={r.id}>
                    <strong>{r.authorName}</strong>: {r.body}
                  </li>
                ))}
              </ul>
            )}
            {replyTo === c.id && (
              <form
                className="row"
                onSubmit={async (ev) => {
                  ev.preventDefault();
                  try {
                    await api.addComment(versionId, { body: reply, parentId: c.id });
                    setReply("");
                    setReplyTo(null);
                    onChange();
                  } catch (e) {
                    setErr(messageOf(e));
                  }
                }}
              >
                <label>
                  Reply to {c.authorName}
                  <input required value={reply} onChange={(e) => setReply(e.target.value)} />
                </label>
                <button type="submit">Send reply</button>
              </form>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
