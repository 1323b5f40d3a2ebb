/**
 * The Benchmark view's charts (recharts): headline metric per dataset with the bootstrap interval as error
 * bars, per-class F1 of one run, and throughput / batch latency. Colours come from the theme's CSS variables
 * (read again when <html data-theme> changes), so the charts are readable in light and dark.
 */
import { useEffect, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  surface: string;
  series: string[];
}

function readColors(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1c1f24'),
    muted: v('--text-muted', '#616a76'),
    grid: v('--border', '#dfe2e7'),
    surface: v('--bg-elevated', '#ffffff'),
    series: [1, 2, 3, 4, 5, 6].map((i) => v(`--chart-${i}`, '#c2410c')),
  };
}

export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(readColors);
  useEffect(() => {
    const observer = new MutationObserver(() => setColors(readColors()));
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme', 'class'],
    });
    return () => observer.disconnect();
  }, []);
  return colors;
}

export interface SeriesChartRow {
  /** The category on the x axis (dataset, class, ...). */
  name: string;
  /** Per series: the value and the error bar as [below, above] distances. */
  [series: string]: number | [number, number] | string;
}

/** Grouped bars (one per series) with optional error bars; `series` names the keys in each row. */
export function GroupedBarChart({
  rows,
  series,
  unit,
  errorBars,
  height = 260,
  domain,
  label,
}: {
  rows: SeriesChartRow[];
  series: string[];
  unit: string;
  errorBars: boolean;
  height?: number;
  domain?: [number, number];
  label: string;
}) {
  const colors = useThemeColors();
  const tick = { fill: colors.muted, fontSize: 12 };
  return (
    <figure className="bench-chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" tick={tick} stroke={colors.grid} interval={0} />
          <YAxis tick={tick} stroke={colors.grid} unit={unit} domain={domain ?? [0, 'auto']} width={56} />
          <Tooltip
            contentStyle={{ background: colors.surface, borderColor: colors.grid, color: colors.text }}
            labelStyle={{ color: colors.text }}
            itemStyle={{ color: colors.text }}
            cursor={{ fill: colors.grid, opacity: 0.4 }}
            formatter={(value) => (typeof value === 'number' ? `${value.toFixed(1)}${unit}` : String(value))}
          />
          {series.length > 1 ? <Legend wrapperStyle={{ color: colors.text, fontSize: 12 }} /> : null}
          {series.map((name, i) => (
            <Bar
              key={name}
              dataKey={name}
              name={name}
              fill={colors.series[i % colors.series.length]}
              isAnimationActive={false}
            >
              {errorBars ? (
                <ErrorBar
                  dataKey={`${name}__err`}
                  width={6}
                  strokeWidth={1.5}
                  stroke={colors.text}
                  direction="y"
                />
              ) : null}
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="small muted">{label}</figcaption>
    </figure>
  );
}
