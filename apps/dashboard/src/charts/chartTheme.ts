/**
 * Colours come from CSS variables so charts follow the light/dark theme; the PNG export resolves
 * them to concrete colours before drawing.
 */
export const chartColors = {
  current: 'var(--chart-current)',
  previous: 'var(--chart-previous)',
  anomaly: 'var(--chart-anomaly)',
  users: 'var(--chart-users)',
  newUsers: 'var(--chart-new)',
  returningUsers: 'var(--chart-returning)',
  grid: 'var(--chart-grid)',
  axis: 'var(--text-muted)',
} as const satisfies Record<string, `var(--${string})`>;

export const axisStyle = {
  tick: { fill: chartColors.axis, fontSize: 12 },
  tickLine: false,
  axisLine: false,
} as const satisfies { tick: { fill: string; fontSize: number }; tickLine: boolean; axisLine: boolean };

export const chartMargin = { top: 8, right: 12, bottom: 0, left: 0 } as const;

/** The dotted stroke of a bucket still filling ("so far"), in every chart and sparkline. */
export const SO_FAR_DASH = '3 3';

/** One colour per Gemini model in "cost by model", in order of cost (the biggest gets the first). */
export const modelPalette = [
  chartColors.current,
  chartColors.newUsers,
  chartColors.users,
  chartColors.returningUsers,
  chartColors.previous,
  chartColors.anomaly,
] as const;

export const modelColor = (index: number) => modelPalette[index % modelPalette.length]!;
