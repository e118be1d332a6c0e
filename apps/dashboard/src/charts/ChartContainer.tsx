import { type ReactElement, useId } from 'react';
import { ResponsiveContainer } from 'recharts';

/**
 * The one place charts get their size: a fixed height (so loading → loaded does not move the
 * page) and the card's width. `initialDimension` gives a first frame before it is measured.
 *
 * For screen readers and keyboards a chart is one image with a name and a summary in words:
 * `role="img"` makes its SVG internals presentational, and every chart turns Recharts'
 * `accessibilityLayer` off, so Tab does not stop inside it.
 */
export function ChartContainer({
  height,
  label,
  summary,
  children,
}: {
  height: number;
  /** what the chart is, e.g. "Messages per day" */
  label: string;
  /** what it shows, in a sentence or two */
  summary: string;
  children: ReactElement;
}) {
  const summaryId = useId();
  return (
    <div className="chart-container" style={{ height }}>
      <div role="img" aria-label={label} aria-describedby={summaryId} style={{ height }}>
        <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
          {children}
        </ResponsiveContainer>
      </div>
      <p id={summaryId} className="visually-hidden">
        {summary}
      </p>
    </div>
  );
}
