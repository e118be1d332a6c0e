import type { TimelineResponse } from '@botpulse/protocol';
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact } from '../transforms/format';
import { describeVolume, type VolumePoint, volumeSeries } from '../transforms/volumeSeries';
import { ChartContainer } from './ChartContainer';
import { axisStyle, chartColors, chartMargin, SO_FAR_DASH } from './chartTheme';
import { pointAt } from './pointAt';
import { VolumeTooltip } from './VolumeTooltip';

/**
 * Monitoring: hourly messages over the last 24 h, the 24 h before dashed underneath. The current
 * hour is drawn dotted with an open end: it is the hour so far.
 */
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
    <ChartContainer
      height={height}
      label="Messages per hour, last 24 hours"
      summary={describeVolume(points, 'hour')}
    >
      <LineChart
        data={points}
        margin={chartMargin}
        accessibilityLayer={false}
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
          dataKey="complete"
          stroke={chartColors.current}
          strokeWidth={2.25}
          dot={false}
          activeDot={{ r: 4 }}
          isAnimationActive={false}
          name="Last 24 h"
        />
        <Line
          type="monotone"
          dataKey="soFar"
          stroke={chartColors.current}
          strokeWidth={2}
          strokeDasharray={SO_FAR_DASH}
          dot={(props: { cx?: number; cy?: number; index?: number }) =>
            props.index === points.length - 1 && props.cx !== undefined && props.cy !== undefined ? (
              <circle
                key="so-far"
                cx={props.cx}
                cy={props.cy}
                r={3.5}
                fill="var(--surface)"
                stroke={chartColors.current}
                strokeWidth={2}
              />
            ) : (
              <g key={`none-${props.index}`} />
            )
          }
          activeDot={{ r: 4 }}
          isAnimationActive={false}
          name="This hour so far"
        />
      </LineChart>
    </ChartContainer>
  );
}
