/**
 * A/B of a take against the take it was repaired from, loudness-matched so the repair is judged on what it
 * removed and not on level: each side plays at the gain that brings it to the quieter one's integrated
 * loudness — the server's BS.1770 figures when both takes have them, else measured here with the engine's
 * meter. Both sides play at once from the same start (the song page's A/B player), so switching keeps the
 * playhead; the label and the waveform follow the side heard. Self-contained: the song page's version A/B is
 * VersionPlayer.
 */
import { useEffect, useMemo, useState } from "react";
import { api } from "../api.ts";
import { peaksOf } from "../audio/peaks.ts";
import { useAudio } from "../audio/services.tsx";
import { clock, messageOf } from "../util.ts";
import { bufferLufs, type LoudnessMatch } from "./loudness-match.ts";
import { usePlayerClock } from "./usePlayerClock.ts";

/** One side: a take's name, file and (when the server measured it) integrated loudness. */
export interface RepairSide {
  name: string;
  blobSha256: string;
  /** LUFS, or null when not measured. */
  integratedLufs: number | null;
}

/** Columns in the drawn waveform. */
const COLUMNS = 400;

/**
 * The gains (dB, ≤ 0) that bring both sides to the quieter one's loudness.
 * @param a the original's loudness, LUFS. @param b the repaired take's, LUFS.
 */
export function matchGains(a: number, b: number): [number, number] {
  const ref = Math.min(a, b);
  return [ref - a, ref - b];
}

/** The loudness match of the pair: the server's figures when it has both, else the browser's measurement. */
export function repairMatch(
  original: RepairSide,
  repaired: RepairSide,
  a: AudioBuffer,
  b: AudioBuffer,
): LoudnessMatch {
  const server = [original.integratedLufs, repaired.integratedLufs];
  if (server.every((x) => x !== null && Number.isFinite(x)))
    return { gains: matchGains(server[0] as number, server[1] as number), how: "server" };
  const la = bufferLufs(a);
  const lb = bufferLufs(b);
  if (!Number.isFinite(la) || !Number.isFinite(lb)) return { gains: [0, 0], how: "none" };
  return { gains: matchGains(la, lb), how: "browser" };
}

export function RepairAB({
  original,
  repaired,
  onClose,
}: {
  original: RepairSide;
  repaired: RepairSide;
  onClose(): void;
}) {
  const audio = useAudio();
  const [player] = useState(() => audio.createPlayer());
  const [buffers, setBuffers] = useState<[AudioBuffer, AudioBuffer] | null>(null);
  const [match, setMatch] = useState<LoudnessMatch | null>(null);
  const [side, setSide] = useState<0 | 1>(0);
  const { time, playing, setPlaying } = usePlayerClock(player);
  const [error, setError] = useState<string | null>(null);

  // Keyed on what the sides are, not on the objects (the list passes new ones on every render).
  const key = JSON.stringify([
    original.blobSha256,
    original.integratedLufs,
    repaired.blobSha256,
    repaired.integratedLufs,
  ]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the sides' values
  useEffect(() => {
    let live = true;
    Promise.all([
      audio.decode(api.blobUrl(original.blobSha256)),
      audio.decode(api.blobUrl(repaired.blobSha256)),
    ]).then(
      ([a, b]) => {
        if (!live) return;
        const m = repairMatch(original, repaired, a, b);
        player.setSides({ buffer: a, gainDb: m.gains[0] }, { buffer: b, gainDb: m.gains[1] });
        setMatch(m);
        setBuffers([a, b]);
      },
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [key, audio, player]);

  const peaks = useMemo(
    () => buffers && ([peaksOf(buffers[0], COLUMNS), peaksOf(buffers[1], COLUMNS)] as const),
    [buffers],
  );
  const heard = side === 0 ? `A (original, ${original.name})` : `B (repaired, ${repaired.name})`;
  const gain = !match
    ? "measuring…"
    : match.how === "none"
      ? "loudness not measurable (unmatched)"
      : `loudness-matched ${match.gains[side].toFixed(1)} dB${match.how === "browser" ? " (measured in the browser)" : ""}`;
  const duration = buffers ? Math.max(buffers[0].duration, buffers[1].duration) : 0;
  const switchTo = (s: 0 | 1) => {
    player.switchTo(s);
    setSide(s);
  };

  return (
    <section
      className="card repair-ab"
      aria-label={`Original ${original.name} against repaired ${repaired.name}`}
    >
      <h3>
        {original.name} against {repaired.name} (repaired)
      </h3>
      {error && <p className="error">{error}</p>}
      <div className="row transport">
        <button
          type="button"
          disabled={!buffers}
          onClick={() => {
            if (player.playing) player.pause();
            else player.play();
            setPlaying(player.playing);
          }}
        >
          {playing ? "Pause" : "Play"}
        </button>
        <fieldset className="ab">
          <legend className="visually-hidden">Original or repaired</legend>
          <button type="button" aria-pressed={side === 0} onClick={() => switchTo(0)}>
            A: original
          </button>
          <button type="button" aria-pressed={side === 1} onClick={() => switchTo(1)}>
            B: repaired
          </button>
        </fieldset>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="small" data-testid="repair-ab-status">
        Hearing {heard} at {clock(time)}, {gain}
      </p>
      {peaks && (
        <PeaksStrip
          peaks={peaks[side][0]}
          position={duration ? time / duration : 0}
          label={`Waveform of ${side === 0 ? `the original, ${original.name}` : `the repaired take, ${repaired.name}`}`}
        />
      )}
    </section>
  );
}

/** A channel's peaks as mirrored bars, the playhead over them. */
function PeaksStrip({
  peaks,
  position,
  label,
}: {
  peaks: number[];
  /** Playhead as a fraction of the length, 0…1. */
  position: number;
  label: string;
}) {
  const top = Math.max(1e-9, ...peaks);
  const d = peaks
    .map((p, i) => {
      const h = (p / top) * 38;
      return `M${i} ${40 - h}V${40 + h}`;
    })
    .join("");
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${peaks.length} 80`} preserveAspectRatio="none">
      <path d={d} stroke="var(--accent)" strokeWidth={0.8} />
      <line
        x1={position * peaks.length}
        x2={position * peaks.length}
        y1={0}
        y2={80}
        stroke="var(--warn)"
        strokeWidth={1.5}
      />
    </svg>
  );
}
