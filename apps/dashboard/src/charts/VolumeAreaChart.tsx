import type { TimelineResponse } from '@botpulse/protocol';
import { useId, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceDot, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact } from '../transforms/format';
import { describeVolume, type VolumePoint, volumeSeries } from '../transforms/volumeSeries';
import { ChartContainer } from './ChartContainer';
import { axisStyle, chartColors, chartMargin, SO_FAR_DASH } from './chartTheme';
import { HatchPattern } from './HatchPattern';
import { pointAt } from './pointAt';
import { VolumeTooltip } from './VolumeTooltip';

/**
 * Analytics: message volume per bucket, previous period faint, anomalies ringed. The bucket still
 * filling is dashed and hatched ("so far"), so a day that has only begun does not read as a collapse.
 */
export default function VolumeAreaChart({
  timeline,
  height,
  onPoint,
}: {
  timeline: TimelineResponse;
  height: number;
  /** a click on a point: the explorer opens on that bucket's rows */
  onPoint?: (point: VolumePoint) => void;
}) {
  const id = useId().replace(/:/g, '');
  const gradientId = `${id}-fill`;
  const hatchId = `${id}-hatch`;
  const points = useMemo(() => volumeSeries(timeline), [timeline]);
  const labels = useMemo(() => new Map(points.map((p) => [p.at, p.label])), [points]);
  return (
    <ChartContainer
      height={height}
      label={`Messages per ${timeline.granularity}`}
      summary={describeVolume(points, timeline.granularity)}
    >
      <ComposedChart
        data={points}
        margin={chartMargin}
        accessibilityLayer={false}
        onClick={(state) => {
          const point = pointAt(points, state);
          if (point && onPoint) onPoint(point);
        }}
        style={onPoint ? { cursor: 'pointer' } : undefined}
      >
        <defs>
          <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor={chartColors.current} stopOpacity={0.35} />
            <stop offset="100%" stopColor={chartColors.current} stopOpacity={0.02} />
          </linearGradient>
          <HatchPattern id={hatchId} color={chartColors.current} />
        </defs>
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis
          dataKey="at"
          {...axisStyle}
          tickFormatter={(at: number) => labels.get(at) ?? ''}
          minTickGap={20}
        />
        <YAxis {...axisStyle} width={48} allowDecimals={false} tickFormatter={formatCompact} />
        <Tooltip
          content={(props) => (
            <VolumeTooltip point={props.payload?.[0]?.payload} previousLabel="in the previous period" />
          )}
        />
        <Line
          type="monotone"
          dataKey="previousMessages"
          stroke={chartColors.previous}
          strokeWidth={1.5}
          strokeOpacity={0.7}
          dot={false}
          isAnimationActive={false}
          name="Previous period"
        />
        <Area
          type="monotone"
          dataKey="complete"
          stroke={chartColors.current}
          strokeWidth={2.25}
          fill={`url(#${gradientId})`}
          isAnimationActive={false}
          activeDot={{ r: 4 }}
          name="Messages"
        />
        <Area
          type="monotone"
          dataKey="soFar"
          stroke={chartColors.current}
          strokeWidth={2}
          strokeDasharray={SO_FAR_DASH}
          fill={`url(#${hatchId})`}
          isAnimationActive={false}
          activeDot={{ r: 4 }}
          name="So far"
        />
        {points
          .filter((p) => p.anomaly)
          .map((p) => (
            <ReferenceDot
              key={p.at}
              x={p.at}
              y={p.messages}
              r={6}
              fill={chartColors.anomaly}
              stroke="white"
              strokeWidth={2}
              ifOverflow="extendDomain"
            />
          ))}
      </ComposedChart>
    </ChartContainer>
  );
}
