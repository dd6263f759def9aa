/**
 * "Render in the browser": renders the mix offline with progress, then plays it, downloads it as a 24-bit
 * WAV, and (for those who may upload mixes) adds it to the song's version stack.
 */
import type { BrowserRender } from "./useBrowserRender.ts";

export interface RenderPanelProps {
  render: BrowserRender | null;
  songTitle: string;
  /** Whether "Add to versions as a mix" is offered. */
  canAddVersion: boolean;
  note: string | null;
  onRender(): void;
  onAddVersion(blob: Blob): void;
}

export function RenderPanel({
  render,
  songTitle,
  canAddVersion,
  note,
  onRender,
  onAddVersion,
}: RenderPanelProps) {
  const running = render !== null && render.progress < 1;
  return (
    <section className="card">
      <h2>Render in the browser</h2>
      <div className="row">
        <button type="button" className="primary" onClick={onRender} disabled={running}>
          Render mix
        </button>
        {render && (
          <label>
            Render progress
            <progress max={1} value={render.progress} />
          </label>
        )}
        <span role="status">
          {running && `Rendering… ${Math.round(render.progress * 100)}%`}
          {render?.url && `Render complete: ${render.seconds?.toFixed(1)} s stereo, 24-bit WAV.`}
        </span>
      </div>
      {render?.url && (
        <div className="row">
          {/* biome-ignore lint/a11y/useMediaCaption: a music render has no captions */}
          <audio controls src={render.url} aria-label="Play the render" />
          <a href={render.url} download={`${songTitle} mix.wav`}>
            Download render (WAV)
          </a>
          {canAddVersion && render.blob && (
            <button type="button" onClick={() => onAddVersion(render.blob as Blob)}>
              Add to versions as a mix
            </button>
          )}
        </div>
      )}
      {note && <p role="status">{note}</p>}
    </section>
  );
}
