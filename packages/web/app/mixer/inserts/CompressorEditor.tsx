/**
 * An engine compressor insert, shown and edited: threshold, ratio, attack, release, knee and make-up, with its
 * gain reduction as a bar (live while the mix plays, when the graph meters it).
 */
import { NumberField } from "./controls.tsx";

/** The compressor's parameters the editor shows (the engine's `CompressorParams`; others kept as they are). */
export interface CompressorValues {
  thresholdDb?: number;
  ratio?: number;
  attackMs?: number;
  releaseMs?: number;
  kneeDb?: number;
  makeupDb?: number;
  [k: string]: unknown;
}

/** The engine's defaults (COMPRESSOR_SPECS), for parameters a session leaves out. */
const DEFAULTS = { thresholdDb: -18, ratio: 4, attackMs: 10, releaseMs: 100, kneeDb: 0, makeupDb: 0 };

const FIELDS: { key: keyof typeof DEFAULTS; label: string; min: number; max: number; step: number }[] = [
  { key: "thresholdDb", label: "threshold (dB)", min: -80, max: 0, step: 0.5 },
  { key: "ratio", label: "ratio", min: 1, max: 100, step: 0.1 },
  { key: "attackMs", label: "attack (ms)", min: 0.01, max: 500, step: 0.1 },
  { key: "releaseMs", label: "release (ms)", min: 1, max: 5000, step: 1 },
  { key: "kneeDb", label: "knee (dB)", min: 0, max: 30, step: 0.5 },
  { key: "makeupDb", label: "make-up (dB)", min: -24, max: 40, step: 0.5 },
];

/** Gain reduction shown at full width, dB. */
const GR_FULL_DB = 20;

export function CompressorEditor({
  name,
  value,
  gainReductionDb,
  changed,
  onChange,
}: {
  name: string;
  value: CompressorValues;
  /** Gain reduction now, dB (≥ 0); undefined when not metered. */
  gainReductionDb?: number;
  /** Parameters a proposal changes (highlighted). */
  changed?: readonly string[];
  onChange(patch: Partial<CompressorValues>): void;
}) {
  const gr = gainReductionDb ?? 0;
  return (
    <div className="compressor-editor">
      {FIELDS.map((f) => (
        <div key={f.key} className={changed?.includes(f.key) ? "proposed" : undefined}>
          <NumberField
            label={`${name} ${f.label}`}
            min={f.min}
            max={f.max}
            step={f.step}
            value={(value[f.key] as number | undefined) ?? DEFAULTS[f.key]}
            onChange={(v) => onChange({ [f.key]: v })}
          />
        </div>
      ))}
      <div className="gr">
        <span className="small">
          {name} gain reduction: {gainReductionDb === undefined ? "—" : `${gr.toFixed(1)} dB`}
        </span>
        <meter
          aria-label={`${name} gain reduction`}
          min={0}
          max={GR_FULL_DB}
          value={Math.min(gr, GR_FULL_DB)}
        />
      </div>
    </div>
  );
}
