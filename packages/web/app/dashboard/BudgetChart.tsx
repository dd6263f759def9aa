/**
 * Budget planned vs actual per category as horizontal bars, each with its amount, over an axis in the
 * project's currency; then the totals and the overspend warnings.
 */
import { formatMoney, minorDigits } from "@controlroom/studio/budget/money.ts";
import type { BudgetSummary, Wire } from "../api.ts";
import { words } from "../util.ts";

/** A round axis end at or above `max` minor units: 1, 2 or 5 × a power of ten (in major units). */
export function axisMax(maxMinor: number, currency: string): number {
  const unit = 10 ** minorDigits(currency);
  const major = Math.max(1, maxMinor / unit);
  const p = 10 ** Math.floor(Math.log10(major));
  const step = [1, 2, 5, 10].find((m) => m * p >= major) ?? 10;
  return step * p * unit;
}

/** "1.2k"-style short money for the axis ticks (major units). */
function short(minor: number, currency: string): string {
  const v = minor / 10 ** minorDigits(currency);
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(0)}`;
}

export function BudgetChart({ summary }: { summary: Wire<BudgetSummary> }) {
  const cats = Object.entries(summary.byCategory);
  const cur = summary.currency;
  const top = axisMax(Math.max(1, ...cats.flatMap(([, t]) => [t.plannedMinor, t.actualMinor])), cur);
  const rowH = 34;
  const x0 = 110;
  const width = 250;
  const w = (minor: number) => (width * minor) / top;
  const axisY = cats.length * rowH + 4;
  const ticks = [0, top / 2, top];
  return (
    <div>
      <svg
        role="img"
        aria-label="Budget planned versus actual by category"
        viewBox={`0 0 460 ${axisY + 40}`}
        className="chart budget"
      >
        {cats.map(([cat, t], i) => (
          <g key={cat} transform={`translate(0 ${i * rowH})`}>
            <text x={0} y={14} className="axis">
              {words(cat)}
            </text>
            <rect x={x0} y={3} height={12} width={w(t.plannedMinor)} className="planned" />
            <text x={x0 + w(t.plannedMinor) + 4} y={13} className="value">
              {formatMoney(t.plannedMinor, cur)}
            </text>
            <rect x={x0} y={17} height={12} width={w(t.actualMinor)} className={t.over ? "over" : "actual"} />
            <text x={x0 + w(t.actualMinor) + 4} y={27} className="value">
              {formatMoney(t.actualMinor, cur)}
            </text>
          </g>
        ))}
        <g className="x-axis" aria-label={`Axis: 0 to ${formatMoney(top, cur)}`}>
          <line x1={x0} x2={x0 + width} y1={axisY} y2={axisY} className="axis-line" />
          {ticks.map((v, k) => (
            <g key={v}>
              <line x1={x0 + w(v)} x2={x0 + w(v)} y1={axisY} y2={axisY + 4} className="axis-line" />
              <text
                x={x0 + w(v)}
                y={axisY + 14}
                className="axis tick"
                textAnchor={k === 0 ? "start" : k === ticks.length - 1 ? "end" : "middle"}
              >
                {short(v, cur)}
              </text>
            </g>
          ))}
          <text x={x0 + width + 6} y={axisY + 14} className="axis">
            {cur}
          </text>
        </g>
        <g transform={`translate(${x0} ${axisY + 24})`}>
          <rect width={10} height={10} className="planned" />
          <text x={14} y={9} className="axis">
            planned
          </text>
          <rect x={80} width={10} height={10} className="actual" />
          <text x={94} y={9} className="axis">
            actual
          </text>
          <rect x={150} width={10} height={10} className="over" />
          <text x={164} y={9} className="axis">
            over plan
          </text>
        </g>
      </svg>
      <p>
        Planned {formatMoney(summary.total.plannedMinor, cur)} · actual{" "}
        {formatMoney(summary.total.actualMinor, cur)} · {summary.total.over ? "over by " : "remaining "}
        {formatMoney(Math.abs(summary.total.remainingMinor), cur)}
      </p>
      {summary.warnings.map((w) => (
        <p key={w} className="error small">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}
