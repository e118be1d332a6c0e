import type { ReactElement } from 'react';
import { ResponsiveContainer } from 'recharts';

/**
 * The one place charts get their size: a fixed height (so loading → loaded does not move the
 * page) and the card's width. `initialDimension` gives a first frame before it is measured.
 */
export function ChartContainer({ height, children }: { height: number; children: ReactElement }) {
  return (
    <div className="chart-container" style={{ height }}>
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
        {children}
      </ResponsiveContainer>
    </div>
  );
}
