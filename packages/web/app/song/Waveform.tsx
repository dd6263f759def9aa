/**
 * A version's waveform (drawn by wavesurfer.js from peaks — the server's precomputed ones, or computed from
 * the decoded file), with the playhead and the comments laid over it: a pin for a moment, a band for a range.
 * Clicking the waveform calls `onPick` with that moment; clicking a comment calls `onCommentClick`.
 */
import { useEffect, useRef } from "react";
import WaveSurfer from "wavesurfer.js";
import type { Comment, Wire } from "../api.ts";
import { clock } from "../util.ts";

export interface WaveformProps {
  peaks: number[][] | null;
  duration: number;
  time: number;
  comments: Wire<Comment>[];
  /** Moment being commented (shown as a dashed marker). */
  pending: { at: number; end: number | null } | null;
  onPick(seconds: number, shift: boolean): void;
  onCommentClick(c: Wire<Comment>): void;
  label: string;
}

export function Waveform({
  peaks,
  duration,
  time,
  comments,
  pending,
  onPick,
  onCommentClick,
  label,
}: WaveformProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current || !peaks || !duration) return;
    const ws = WaveSurfer.create({
      container: host.current,
      height: 120,
      peaks,
      duration,
      interact: false,
      cursorWidth: 0,
      waveColor: "#7fb3ff",
      progressColor: "#7fb3ff",
      normalize: true,
      barWidth: 2,
      barGap: 1,
    });
    return () => ws.destroy();
  }, [peaks, duration]);

  const pct = (t: number) => `${(100 * Math.min(Math.max(t, 0), duration || 1)) / (duration || 1)}%`;
  return (
    <figure className="waveform" aria-label={label}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pointing at a moment; the keyboard way is `c` at the playhead */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard way is the arrows and `c` at the playhead */}
      <div
        className="wave-surface"
        data-testid="waveform"
        // Pointing at the waveform neither selects page text (a shift-click would extend a selection, and a
        // later click on selected text starts dragging it instead of clicking) nor takes focus away from the
        // comment box being typed in.
        onMouseDown={(ev) => ev.preventDefault()}
        onClick={(ev) => {
          const r = ev.currentTarget.getBoundingClientRect();
          onPick(((ev.clientX - r.left) / r.width) * duration, ev.shiftKey);
        }}
      >
        <div ref={host} />
        {!peaks && <p className="muted wave-loading">Loading waveform…</p>}
        <div className="playhead" style={{ left: pct(time) }} aria-hidden="true" />
        {pending && (
          <div
            className="pending"
            style={{
              left: pct(pending.at),
              width: pending.end ? `calc(${pct(pending.end)} - ${pct(pending.at)})` : 2,
            }}
            aria-hidden="true"
          />
        )}
      </div>
      <section className="comment-lane" aria-label="Comments on the waveform">
        {comments
          .filter((c) => c.atSeconds != null)
          .map((c, i) => (
            <button
              type="button"
              key={c.id}
              className={`pin${c.endSeconds != null ? " range" : ""}${c.resolvedAt ? " resolved" : ""}`}
              style={{
                left: pct(c.atSeconds ?? 0),
                width:
                  c.endSeconds != null ? `calc(${pct(c.endSeconds)} - ${pct(c.atSeconds ?? 0)})` : undefined,
              }}
              title={`${clock(c.atSeconds ?? 0)} ${c.authorName}: ${c.body}`}
              aria-label={`Comment at ${clock(c.atSeconds ?? 0)}: ${c.body}`}
              onClick={() => onCommentClick(c)}
            >
              {i + 1}
            </button>
          ))}
      </section>
    </figure>
  );
}
