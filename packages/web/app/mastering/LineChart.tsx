/** A small line chart of before/after series (short-term loudness over time, spectrum) with its axes. */

export function LineChart({
  title,
  series,
  xLabel,
  min,
  max,
}: {
  title: string;
  series: { name: string; y: number[]; cls: string }[];
  xLabel(i: number): string;
  min: number;
  max: number;
}) {
  const W = 480;
  const H = 180;
  const n = Math.max(2, ...series.map((s) => s.y.length));
  const x = (i: number) => 30 + (i / (n - 1)) * (W - 40);
  const y = (v: number) =>
    10 + (1 - (Math.max(min, Math.min(max, Number.isFinite(v) ? v : min)) - min) / (max - min)) * (H - 30);
  const ticks = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1];
  return (
    <figure>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={title}>
        {[max, (max + min) / 2, min].map((v) => (
          <text key={v} x={0} y={y(v) + 4} className="axis">
            {v}
          </text>
        ))}
        {/* The first label starts at its tick, the last ends at it, the others are centred: none runs off. */}
        {ticks.map((i, k) => (
          <text
            key={i}
            x={x(i)}
            y={H - 4}
            className="axis"
            textAnchor={k === 0 ? "start" : k === ticks.length - 1 ? "end" : "middle"}
          >
            {xLabel(i)}
          </text>
        ))}
        {series.map((s) => (
          <polyline
            key={s.name}
            fill="none"
            className={`line ${s.cls}`}
            points={s.y.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}
          />
        ))}
      </svg>
      <p className="small">
        <span className="key before">■</span> before <span className="key after">■</span> after
      </p>
    </figure>
  );
}
