/**
 * An engine EQ insert, shown and edited: its curve (the engine's response of the bands, drawn as SVG; the
 * proposed or previous curve dashed behind it when given) and one row per band — kind, frequency, gain, Q.
 */
import { BAND_KINDS, type BandKind, type EqBand } from "@controlroom/engine/dsp/eq/band.ts";
import { useMemo } from "react";
import { NumberField } from "./controls.tsx";
import { CURVE_MAX_HZ, CURVE_MIN_HZ, curvePath, eqCurve, xOfFreq } from "./eq-curve.ts";

const W = 240;
const H = 90;
/** Vertical range of the drawing, ± dB. */
const RANGE_DB = 15;
const GRID_HZ = [100, 1000, 10000];

/** Kinds that have a gain. */
const HAS_GAIN: readonly BandKind[] = ["peak", "lowshelf", "highshelf"];

export function EqCurve({
  bands,
  sampleRate,
  compareTo,
  label,
}: {
  bands: readonly EqBand[];
  sampleRate: number;
  /** Another curve drawn dashed (e.g. the EQ before a proposed move). */
  compareTo?: readonly EqBand[];
  label: string;
}) {
  const path = useMemo(() => curvePath(eqCurve(bands, sampleRate), W, H, RANGE_DB), [bands, sampleRate]);
  const before = useMemo(
    () => (compareTo ? curvePath(eqCurve(compareTo, sampleRate), W, H, RANGE_DB) : null),
    [compareTo, sampleRate],
  );
  return (
    <svg className="eq-curve" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <title>{label}</title>
      <line x1={0} x2={W} y1={H / 2} y2={H / 2} stroke="currentColor" strokeOpacity={0.3} />
      {GRID_HZ.map((f) => (
        <line
          key={f}
          x1={xOfFreq(f, W)}
          x2={xOfFreq(f, W)}
          y1={0}
          y2={H}
          stroke="currentColor"
          strokeOpacity={0.15}
        />
      ))}
      {before && (
        <path d={before} fill="none" stroke="currentColor" strokeOpacity={0.5} strokeDasharray="3 3" />
      )}
      <path d={path} fill="none" stroke="currentColor" strokeWidth={2} data-testid="eq-path" />
      <text x={2} y={H - 2} fontSize={8}>
        {CURVE_MIN_HZ} Hz
      </text>
      <text x={W - 2} y={H - 2} fontSize={8} textAnchor="end">
        {CURVE_MAX_HZ / 1000} kHz
      </text>
    </svg>
  );
}

export function EqEditor({
  name,
  bands,
  sampleRate,
  compareTo,
  onChange,
}: {
  /** What the insert is called on its strip ("Lead vocal EQ"). */
  name: string;
  bands: EqBand[];
  sampleRate: number;
  compareTo?: readonly EqBand[];
  onChange(bands: EqBand[]): void;
}) {
  const set = (i: number, patch: Partial<EqBand>) =>
    onChange(bands.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  return (
    <div className="eq-editor">
      <EqCurve bands={bands} sampleRate={sampleRate} compareTo={compareTo} label={`${name} curve`} />
      {bands.map((b, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: bands have no identity but their place
        <div key={i} className="row band">
          <label>
            {name} band {i + 1}
            <select value={b.kind} onChange={(e) => set(i, { kind: e.target.value as BandKind })}>
              {BAND_KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <NumberField
            label={`${name} band ${i + 1} frequency (Hz)`}
            min={10}
            max={40000}
            value={b.freq}
            onChange={(freq) => set(i, { freq })}
          />
          {HAS_GAIN.includes(b.kind) && (
            <NumberField
              label={`${name} band ${i + 1} gain (dB)`}
              min={-30}
              max={30}
              step={0.5}
              value={b.gainDb ?? 0}
              onChange={(gainDb) => set(i, { gainDb })}
            />
          )}
          <NumberField
            label={`${name} band ${i + 1} Q`}
            min={0.1}
            max={40}
            step={0.1}
            value={b.q ?? (b.kind === "peak" ? 1 : Math.SQRT1_2)}
            onChange={(q) => set(i, { q })}
          />
          <button
            type="button"
            aria-label={`Remove ${name} band ${i + 1}`}
            onClick={() => onChange(bands.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange([...bands, { kind: "peak", freq: 1000, gainDb: 0, q: 1 }])}
      >
        Add band to {name}
      </button>
    </div>
  );
}
