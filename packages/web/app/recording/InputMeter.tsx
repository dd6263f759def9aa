/**
 * The recording input's meter: a level bar over −60…0 dBFS, and the peak, momentary loudness and true peak
 * of the same last 400 ms (one reading, so they agree), with the highest true peak so far.
 */
import { db, type MeterReading } from "../audio/meter.ts";

const SILENCE = Number.NEGATIVE_INFINITY;

export function InputMeter({ reading }: { reading: MeterReading | null }) {
  const peak = reading?.peakDb ?? Number.NaN;
  return (
    <>
      <meter
        className="level"
        aria-label="Input level"
        min={-60}
        max={0}
        low={-18}
        high={-6}
        optimum={-24}
        value={Math.max(-60, Number.isFinite(peak) ? peak : -60)}
      />
      <p className="readout" data-testid="input-meter">
        Input peak {db(reading?.peakDb ?? SILENCE)} dBFS · momentary {db(reading?.momentaryLufs ?? SILENCE)}{" "}
        LUFS · true peak {db(reading?.truePeakDb ?? SILENCE)} dBTP · highest{" "}
        {db(reading?.truePeakMaxDb ?? SILENCE)} dBTP
      </p>
    </>
  );
}
