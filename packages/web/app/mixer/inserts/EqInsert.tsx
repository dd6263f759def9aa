/** The browser preview's EQ insert: one bell band (frequency, gain, Q), switched in or out. */
import type { TrackParams } from "../../audio/mix-graph.ts";
import { NumberField, Toggle } from "./controls.tsx";

export type EqSettings = TrackParams["eq"];

export function EqInsert({
  value,
  onChange,
}: {
  value: EqSettings;
  onChange(patch: Partial<EqSettings>): void;
}) {
  return (
    <>
      <Toggle label="EQ bell" on={value.on} onChange={(on) => onChange({ on })} />
      <NumberField
        label="Frequency (Hz)"
        min={20}
        max={20000}
        value={value.freqHz}
        onChange={(freqHz) => onChange({ freqHz })}
      />
      <NumberField
        label="Gain (dB)"
        min={-24}
        max={24}
        step={0.5}
        value={value.gainDb}
        onChange={(gainDb) => onChange({ gainDb })}
      />
      <NumberField
        label="Q"
        min={0.1}
        max={18}
        step={0.1}
        value={value.q}
        onChange={(q) => onChange({ q })}
      />
    </>
  );
}
