/** Budget planned vs actual per category as horizontal bars, with the overspend warnings. */
import { formatMoney } from "@controlroom/studio/budget/money.ts";
import type { BudgetSummary, Wire } from "../api.ts";
import { words } from "../util.ts";

export function BudgetChart({ summary }: { summary: Wire<BudgetSummary> }) {
  const cats = Object.entries(summary.byCategory);
  const max = Math.max(1, ...cats.flatMap(([, t]) => [t.plannedMinor, t.actualMinor]));
  const cur = summary.currency;
  const rowH = 34;
  return (
    <div>
      <svg
        role="img"
        aria-label="Budget planned versus actual by category"
        viewBox={`0 0 420 ${cats.length * rowH + 24}`}
        className="chart budget"
      >
        {cats.map(([cat, t], i) => (
          <g key={cat} transform={`translate(0 ${i * rowH})`}>
            <text x={0} y={14} className="axis">
              {words(cat)}
            </text>
            <rect x={110} y={3} height={12} width={(300 * t.plannedMinor) / max} className="planned" />
            <rect
              x={110}
              y={17}
              height={12}
              width={(300 * t.actualMinor) / max}
              className={t.over ? "over" : "actual"}
            />
          </g>
        ))}
        <g transform={`translate(110 ${cats.length * rowH + 10})`}>
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
