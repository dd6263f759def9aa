/** The form for a comment at a moment (or over a range) of the waveform. */
import { type RefObject, useState } from "react";
import { clock, messageOf } from "../util.ts";

export function CommentForm({
  at,
  end,
  inputRef,
  onSubmit,
  onCancel,
}: {
  at: number;
  end: number | null;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Saves the comment; a rejection is shown and the text kept. */
  onSubmit(body: string): Promise<void>;
  onCancel(): void;
}) {
  const [body, setBody] = useState("");
  const [err, setErr] = useState<string | null>(null);
  return (
    <form
      className="comment-form"
      onSubmit={async (ev) => {
        ev.preventDefault();
        try {
          await onSubmit(body);
          setBody("");
        } catch (e) {
          setErr(messageOf(e));
        }
      }}
    >
      <label>
        Comment at {clock(at)}
        {end != null ? `–${clock(end)}` : ""}
        <textarea ref={inputRef} required value={body} onChange={(e) => setBody(e.target.value)} rows={2} />
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
