/** The labelled controls the strip and its insert editors are made of. */
import type { ReactNode } from "react";

/** Props of a labelled numeric control: `onChange` gets the number typed or slid to. */
interface NumericProps {
  label: ReactNode;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange(v: number): void;
}

function Numeric({
  type,
  label,
  value,
  min,
  max,
  step,
  onChange,
}: NumericProps & { type: "number" | "range" }) {
  return (
    <label>
      {label}
      <input
        type={type}
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </label>
  );
}

/** A number field with its label. */
export const NumberField = (p: NumericProps) => <Numeric type="number" {...p} />;

/** A slider with its label (which shows the value). */
export const Slider = (p: NumericProps & { step: number }) => <Numeric type="range" {...p} />;

/** An on/off switch for an insert. */
export function Toggle({ label, on, onChange }: { label: string; on: boolean; onChange(on: boolean): void }) {
  return (
    <label className="inline">
      <input type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
