/**
 * One engine insert of a strip, shown and edited by its type: the EQ with its curve, the compressor with its
 * gain reduction, anything else as its numeric and on/off parameters. A proposed insert or parameter is
 * highlighted, with the curve before the proposal dashed behind the EQ's.
 */
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import type { EqBand } from "@controlroom/engine/dsp/eq/band.ts";
import type { ReactNode } from "react";
import { CompressorEditor } from "./CompressorEditor.tsx";
import { NumberField, Toggle } from "./controls.tsx";
import { EqEditor } from "./EqEditor.tsx";

/** What a proposal does to an insert: added by it, or these parameters changed. */
export interface InsertMark {
  added?: boolean;
  params?: string[];
  /** The insert as it was before the proposal (for the dashed EQ curve). */
  before?: ProcessorJSON;
}

export function InsertEditor({
  name,
  processor,
  sampleRate,
  gainReductionDb,
  mark,
  onChange,
  onRemove,
}: {
  /** "Lead vocal insert 2". */
  name: string;
  processor: ProcessorJSON;
  sampleRate: number;
  gainReductionDb?: number;
  mark?: InsertMark;
  onChange(p: ProcessorJSON): void;
  onRemove(): void;
}) {
  const label = `${name}: ${processor.type}`;
  const cls = `insert ${mark?.added ? "proposed added" : mark?.params?.length ? "proposed" : ""}`;
  let body: ReactNode;
  if (processor.type === "eq") {
    const bands = (processor.bands as EqBand[] | undefined) ?? [];
    const before =
      mark?.before?.type === "eq" ? ((mark.before.bands as EqBand[]) ?? []) : mark?.added ? [] : undefined;
    body = (
      <EqEditor
        name={label}
        bands={bands}
        sampleRate={sampleRate}
        compareTo={before}
        onChange={(b) => onChange({ ...processor, bands: b })}
      />
    );
  } else if (processor.type === "compressor") {
    body = (
      <CompressorEditor
        name={label}
        value={processor}
        gainReductionDb={gainReductionDb}
        changed={mark?.params}
        onChange={(patch) => onChange({ ...processor, ...patch })}
      />
    );
  } else {
    const params = Object.entries(processor).filter(([k]) => k !== "type");
    body = (
      <>
        {params.length === 0 && <p className="small">At its defaults.</p>}
        {params.map(([k, v]) =>
          typeof v === "number" ? (
            <div key={k} className={mark?.params?.includes(k) ? "proposed" : undefined}>
              <NumberField
                label={`${label} ${k}`}
                min={-1e6}
                max={1e6}
                step={0.1}
                value={v}
                onChange={(x) => onChange({ ...processor, [k]: x })}
              />
            </div>
          ) : typeof v === "boolean" ? (
            <Toggle
              key={k}
              label={`${label} ${k}`}
              on={v}
              onChange={(x) => onChange({ ...processor, [k]: x })}
            />
          ) : (
            <p key={k} className="small">
              {k}: {JSON.stringify(v)}
            </p>
          ),
        )}
      </>
    );
  }
  return (
    <details className={cls} open={!!mark}>
      <summary>
        {processor.type}
        {mark?.added ? " (proposed)" : mark?.params?.length ? ` (proposed: ${mark.params.join(", ")})` : ""}
      </summary>
      {body}
      <button type="button" onClick={onRemove} aria-label={`Remove ${label}`}>
        Remove
      </button>
    </details>
  );
}
