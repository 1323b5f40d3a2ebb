/**
 * Live curves of a run (recharts): training loss per optimizer step with the learning rate on a second
 * axis, and every dev metric per evaluation. Colours come from the theme's CSS variables.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

function cssColor(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const series = (i: number) =>
  cssColor(
    `--chart-${(i % 6) + 1}`,
    ['#c2410c', '#2563eb', '#059669', '#7c3aed', '#db2777', '#ca8a04'][i % 6],
  );

export function LossChart({ points }: { points: { step: number; loss: number; learningRate: number }[] }) {
  const grid = cssColor('--border', '#dfe2e7');
  const text = cssColor('--text-muted', '#616a76');
  return (
    <div className="train-chart" data-testid="train-loss-chart" data-points={points.length}>
      <h3>Training loss</h3>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke={grid} strokeDasharray="3 3" />
          <XAxis
            dataKey="step"
            type="number"
            domain={['dataMin', 'dataMax']}
            stroke={text}
            fontSize={11}
            allowDecimals={false}
          />
          <YAxis yAxisId="loss" stroke={text} fontSize={11} width={48} domain={['auto', 'auto']} />
          <YAxis
            yAxisId="lr"
            orientation="right"
            stroke={text}
            fontSize={11}
            width={56}
            tickFormatter={(v: number) => v.toExponential(0)}
          />
          <Tooltip
            formatter={(value) => (typeof value === 'number' ? value.toPrecision(4) : String(value))}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            yAxisId="loss"
            type="monotone"
            dataKey="loss"
            name="loss"
            stroke={series(0)}
            dot={false}
            isAnimationActive={false}
            strokeWidth={2}
          />
          <Line
            yAxisId="lr"
            type="monotone"
            dataKey="learningRate"
            name="learning rate"
            stroke={series(1)}
            dot={false}
            isAnimationActive={false}
            strokeDasharray="4 3"
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function DevChart({ points }: { points: { step: number; metrics: Record<string, number> }[] }) {
  const grid = cssColor('--border', '#dfe2e7');
  const text = cssColor('--text-muted', '#616a76');
  const names = [...new Set(points.flatMap((p) => Object.keys(p.metrics)))]
    .filter((n) => !/loss$/.test(n))
    .slice(0, 6);
  const data = points.map((p) => ({ step: p.step, ...p.metrics }));
  // F1, accuracy and the like live in [0, 1]; a fixed axis keeps early zeros from looking like a scale of 4.
  const bounded = points.every((p) =>
    names.every((n) => (p.metrics[n] ?? 0) >= 0 && (p.metrics[n] ?? 0) <= 1),
  );
  return (
    <div className="train-chart" data-testid="train-dev-chart" data-points={points.length}>
      <h3>Dev metrics</h3>
      {points.length === 0 ? (
        <p className="muted small">
          The first dev evaluation comes at the end of an epoch (or every N steps, as set).
        </p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke={grid} strokeDasharray="3 3" />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              stroke={text}
              fontSize={11}
              allowDecimals={false}
            />
            <YAxis stroke={text} fontSize={11} width={48} domain={[0, bounded ? 1 : 'auto']} />
            <Tooltip formatter={(value) => (typeof value === 'number' ? value.toFixed(4) : String(value))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {names.map((name, i) => (
              <Line
                key={name}
                type="monotone"
                dataKey={name}
                stroke={series(i + 2)}
                isAnimationActive={false}
                strokeWidth={2}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
