/** The strip's post-fader send to the reverb bus, −60 dB (off) … 0 dB. */
import { Slider } from "./controls.tsx";

export function ReverbSend({
  name,
  levelDb,
  onChange,
}: {
  name: string;
  levelDb: number;
  onChange(db: number): void;
}) {
  return (
    <Slider
      label={`Reverb send ${name}: ${levelDb <= -60 ? "off" : `${levelDb.toFixed(0)} dB`}`}
      min={-60}
      max={0}
      step={1}
      value={levelDb}
      onChange={onChange}
    />
  );
}
