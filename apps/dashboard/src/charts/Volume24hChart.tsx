import type { TimelineResponse } from '@botpulse/protocol';
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact } from '../transforms/format';
import { type VolumePoint, volumeSeries } from '../transforms/volumeSeries';
import { ChartContainer } from './ChartContainer';
import { axisStyle, chartColors, chartMargin } from './chartTheme';
import { pointAt } from './pointAt';
import { VolumeTooltip } from './VolumeTooltip';

/** Monitoring: hourly messages over the last 24 h, the 24 h before dashed underneath. */
export default function Volume24hChart({
  timeline,
  height,
  onPoint,
}: {
  timeline: TimelineResponse;
  height: number;
  /** a click on a point: the explorer opens on that hour's rows */
  onPoint?: (point: VolumePoint) => void;
}) {
  const points = useMemo(() => volumeSeries(timeline), [timeline]);
  const labels = useMemo(() => new Map(points.map((p) => [p.at, p.label])), [points]);
  return (
    <ChartContainer height={height}>
      <LineChart
        data={points}
        margin={chartMargin}
        onClick={(state) => {
          const point = pointAt(points, state);
          if (point && onPoint) onPoint(point);
        }}
        style={onPoint ? { cursor: 'pointer' } : undefined}
      >
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis
          dataKey="at"
          {...axisStyle}
          tickFormatter={(at: number) => labels.get(at) ?? ''}
          minTickGap={24}
        />
        <YAxis {...axisStyle} width={44} allowDecimals={false} tickFormatter={formatCompact} />
        <Tooltip
          content={(props) => (
            <VolumeTooltip point={props.payload?.[0]?.payload} previousLabel="the day before" />
          )}
        />
        <Line
          type="monotone"
          dataKey="previousMessages"
          stroke={chartColors.previous}
          strokeDasharray="4 4"
          strokeWidth={1.5}
          dot={false}
          isAnimationActive={false}
          name="Previous 24 h"
        />
        <Line
          type="monotone"
          dataKey="messages"
          stroke={chartColors.current}
          strokeWidth={2.25}
          dot={false}
          activeDot={{ r: 4 }}
          isAnimationActive={false}
          name="Last 24 h"
        />
      </LineChart>
    </ChartContainer>
  );
}
