import { useId } from 'react';
import { sparklineGeometry } from '../transforms/sparkline';

export interface SparklineProps {
  values: readonly number[];
  width?: number;
  height?: number;
  /** what the series is, for screen readers */
  label: string;
  tone?: 'accent' | 'good' | 'bad' | 'neutral';
}

/** Plain SVG (no chart library) so cards on the first screen stay light. */
export function Sparkline({ values, width = 120, height = 36, label, tone = 'accent' }: SparklineProps) {
  const gradientId = useId();
  const { line, area, last } = sparklineGeometry(values, width, height);
  if (!line) return <svg className="sparkline" width={width} height={height} aria-hidden="true" />;
  return (
    <svg
      className={`sparkline sparkline-${tone}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
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
      {last ? <circle cx={last.x} cy={last.y} r={2.5} fill="currentColor" /> : null}
    </svg>
  );
}
