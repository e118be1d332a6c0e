import type { Granularity } from '@botpulse/protocol';
import { useId } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDateTime } from '../transforms/format';
import { type CostPoint, type CostSeries, describeCost, formatUsd, modelKey } from '../transforms/genAi';
import { ChartContainer } from './ChartContainer';
import { axisStyle, chartColors, chartMargin, modelColor, SO_FAR_DASH } from './chartTheme';
import { HatchPattern } from './HatchPattern';

function CostTooltip({ point, models }: { point: CostPoint | undefined; models: readonly string[] }) {
  if (!point) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">
        {formatDateTime(new Date(point.at).toISOString())}
        {point.partial ? ' (still running)' : ''}
      </p>
      <p>
        {formatUsd(point.total)}
        {point.partial ? ' so far' : ''}
      </p>
      {models.map((m, i) =>
        point[modelKey(m)] ? (
          <p key={m} className="muted">
            <span className="legend-swatch" style={{ background: modelColor(i) }} aria-hidden="true" /> {m}:{' '}
            {formatUsd(point[modelKey(m)])}
          </p>
        ) : null,
      )}
    </div>
  );
}

/**
 * Analytics: Gemini cost per bucket, stacked by model. A bucket still filling is hatched with a
 * dashed outline ("so far"), as on the volume chart, so today's part-day does not read as a drop.
 */
export default function CostByModelChart({
  series,
  granularity,
  height,
}: {
  series: CostSeries;
  granularity: Granularity;
  height: number;
}) {
  const id = useId().replace(/:/g, '');
  return (
    <ChartContainer
      height={height}
      label={`Gemini cost per ${granularity} by model`}
      summary={describeCost(series, granularity)}
    >
      <BarChart data={series.points} margin={chartMargin} accessibilityLayer={false}>
        <defs>
          {series.models.map((m, i) => (
            <HatchPattern key={m} id={`${id}-hatch-${i}`} color={modelColor(i)} />
          ))}
        </defs>
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis dataKey="label" {...axisStyle} minTickGap={20} />
        <YAxis {...axisStyle} width={56} tickFormatter={(v: number) => formatUsd(v)} />
        <Tooltip
          cursor={{ fill: 'var(--neutral-soft)' }}
          content={(props) => (
            <CostTooltip
              point={props.payload?.[0]?.payload as CostPoint | undefined}
              models={series.models}
            />
          )}
        />
        {series.models.map((m, i) => (
          <Bar
            key={m}
            dataKey={modelKey(m)}
            name={m}
            stackId="cost"
            fill={modelColor(i)}
            isAnimationActive={false}
            maxBarSize={48}
          >
            {series.points.map((p) => (
              <Cell
                key={p.at}
                fill={p.partial ? `url(#${id}-hatch-${i})` : modelColor(i)}
                stroke={p.partial ? modelColor(i) : undefined}
                strokeDasharray={p.partial ? SO_FAR_DASH : undefined}
              />
            ))}
          </Bar>
        ))}
      </BarChart>
    </ChartContainer>
  );
}
