/** The form for a comment at a moment (or over a range) of the waveform. */
import { type RefObject, useState } from "react";
import { clock, messageOf } from "../util.ts";

export function CommentForm({
  at,
  end,
  body,
  onBody,
  inputRef,
  onSubmit,
  onCancel,
}: {
  at: number;
  end: number | null;
  /** The text typed so far (kept by the player, so moving the comment's time never loses it). */
  body: string;
  onBody(body: string): void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Saves the comment; a rejection is shown and the text kept. */
  onSubmit(body: string): Promise<void>;
  onCancel(): void;
}) {
  const [err, setErr] = useState<string | null>(null);
  return (
    <form
      className="comment-form"
      onSubmit={async (ev) => {
        ev.preventDefault();
        try {
          setErr(null);
          await onSubmit(body);
        } catch (e) {
          setErr(messageOf(e));
        }
      }}
    >
      <label>
        Comment at {clock(at)}
        {end != null ? `–${clock(end)}` : ""}
        <textarea ref={inputRef} required value={body} onChange={(e) => onBody(e.target.value)} rows={2} />
      </label>
      <button type="submit" className="primary">
        Add comment
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {err && <p className="error">{err}</p>}
    </form>
  );
}
