/** The browser preview's compressor insert: threshold and ratio, switched in or out. */
import type { TrackParams } from "../../audio/mix-graph.ts";
import { NumberField, Toggle } from "./controls.tsx";

export type CompressorSettings = TrackParams["comp"];

export function CompressorInsert({
  value,
  onChange,
}: {
  value: CompressorSettings;
  onChange(patch: Partial<CompressorSettings>): void;
}) {
  return (
    <>
      <Toggle label="Compressor" on={value.on} onChange={(on) => onChange({ on })} />
      <NumberField
        label="Threshold (dB)"
        min={-60}
        max={0}
        value={value.thresholdDb}
        onChange={(thresholdDb) => onChange({ thresholdDb })}
      />
      <NumberField
        label="Ratio"
        min={1}
        max={20}
        step={0.5}
        value={value.ratio}
        onChange={(ratio) => onChange({ ratio })}
      />
    </>
  );
}
