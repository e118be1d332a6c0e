import { useId } from 'react';
import { SO_FAR_DASH } from '../charts/chartTheme';
import { sparklineGeometry } from '../transforms/sparkline';

export interface SparklineProps {
  values: readonly number[];
  width?: number;
  height?: number;
  /** what the series is, for screen readers */
  label: string;
  tone?: 'accent' | 'good' | 'bad' | 'neutral';
  /** how many leading values are complete; the rest (the bucket still filling) are drawn dashed */
  complete?: number;
}

/** Plain SVG (no chart library) so cards on the first screen stay light. */
export function Sparkline({
  values,
  width = 120,
  height = 36,
  label,
  tone = 'accent',
  complete = values.length,
}: SparklineProps) {
  const gradientId = useId();
  const { line, area, soFar, last, lastPartial } = sparklineGeometry(values, width, height, 2, complete);
  if (!line && !soFar) return <svg className="sparkline" width={width} height={height} aria-hidden="true" />;
  return (
    <svg
      className={`sparkline sparkline-${tone}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={lastPartial ? `${label} (last point: so far, still filling)` : label}
    >
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0%" stopColor="currentColor" stopOpacity={0.28} />
          <stop offset="100%" stopColor="currentColor" stopOpacity={0} />
        </linearGradient>
      </defs>
      <path d={area} fill={`url(#${gradientId})`} stroke="none" />
      <path
        d={line}
        fill="none"
        stroke="currentColor"
        strokeWidth={1.75}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
      {soFar ? (
        <path
          d={soFar}
          fill="none"
          stroke="currentColor"
          strokeWidth={1.5}
          strokeDasharray={SO_FAR_DASH}
          strokeLinecap="round"
          opacity={0.8}
        />
      ) : null}
      {last ? (
        <circle
          cx={last.x}
          cy={last.y}
          r={2.5}
          fill={lastPartial ? 'var(--surface)' : 'currentColor'}
          stroke={lastPartial ? 'currentColor' : 'none'}
          strokeWidth={1.5}
        />
      ) : null}
    </svg>
  );
}
