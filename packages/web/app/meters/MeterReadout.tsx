/** How the pages show a meter reading: a bar over −60…0 dBFS and the figures, "−∞" for silence. */
import { db, type MeterReading, meterWidth } from "../audio/meter.ts";

const SILENCE = Number.NEGATIVE_INFINITY;

/** The sample-peak bar of a strip. */
export function PeakBar({ reading }: { reading: MeterReading | null | undefined }) {
  return (
    <div className="meter" aria-hidden="true">
      <div style={{ width: meterWidth(reading?.peakDb ?? -100) }} />
    </div>
  );
}

/** "peak dBFS · momentary LUFS" of a strip. */
export function StripReadout({ reading }: { reading: MeterReading | null | undefined }) {
  return (
    <div className="readout">
      {db(reading?.peakDb ?? SILENCE)} dBFS · {db(reading?.momentaryLufs ?? SILENCE)} LUFS
    </div>
  );
}

/** The master's readout: peak, true peak, momentary loudness. */
export function MasterReadout({ reading }: { reading: MeterReading | null | undefined }) {
  return (
    <span className="readout" data-testid="master-meter">
      Master: peak {db(reading?.peakDb ?? SILENCE)} dBFS · true peak {db(reading?.truePeakDb ?? SILENCE)} dBTP
      · momentary {db(reading?.momentaryLufs ?? SILENCE)} LUFS
    </span>
  );
}
