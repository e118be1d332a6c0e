import type { UsersResponse } from '@botpulse/protocol';
import { useId, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact, formatNumber } from '../transforms/format';
import { completeDays } from '../transforms/incomplete';
import { ChartContainer } from './ChartContainer';
import { axisStyle, chartColors, chartMargin, SO_FAR_DASH } from './chartTheme';
import { HatchPattern } from './HatchPattern';

const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });

function parseDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/**
 * Active users per day (dates are already local to the chosen zone, so no zone maths here). Today
 * is hatched with a dashed outline: its users so far, not a whole day.
 */
export default function ActiveUsersChart({ users, height }: { users: UsersResponse; height: number }) {
  const hatchId = `${useId().replace(/:/g, '')}-hatch`;
  const points = useMemo(() => {
    const complete = completeDays(
      users.active_per_day.map((d) => d.date),
      users.as_of,
      users.tz,
    );
    return users.active_per_day.map((d, i) => ({
      date: d.date,
      label: dayLabel.format(parseDay(d.date)),
      users: d.users,
      partial: i >= complete,
    }));
  }, [users]);
  const summary = useMemo(() => {
    if (!points.length) return 'No days in this range.';
    const whole = points.filter((p) => !p.partial);
    const peak = whole.length ? whole.reduce((a, b) => (b.users > a.users ? b : a)) : null;
    const today = points.find((p) => p.partial);
    return [
      `${points.length} days`,
      peak ? `most active ${peak.label} with ${formatNumber(peak.users)} users` : null,
      today ? `${today.label} so far: ${formatNumber(today.users)}` : null,
    ]
      .filter(Boolean)
      .join('; ')
      .concat('.');
  }, [points]);
  return (
    <ChartContainer height={height} label="Active users per day" summary={summary}>
      <BarChart data={points} margin={chartMargin} accessibilityLayer={false}>
        <defs>
          <HatchPattern id={hatchId} color={chartColors.users} />
        </defs>
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis dataKey="label" {...axisStyle} minTickGap={16} />
        <YAxis {...axisStyle} width={40} allowDecimals={false} tickFormatter={formatCompact} />
        <Tooltip
          cursor={{ fill: 'var(--surface-hover)' }}
          content={(props) => {
            const point = props.payload?.[0]?.payload as
              | { date: string; users: number; partial: boolean }
              | undefined;
            if (!point) return null;
            return (
              <div className="chart-tooltip">
                <p className="chart-tooltip-title">
                  {weekday.format(parseDay(point.date))}
                  {point.partial ? ' (today)' : ''}
                </p>
                <p>
                  {formatNumber(point.users)} active users{point.partial ? ' so far' : ''}
                </p>
              </div>
            );
          }}
        />
        <Bar
          dataKey="users"
          fill={chartColors.users}
          radius={[4, 4, 0, 0]}
          isAnimationActive={false}
          name="Active users"
        >
          {points.map((p) =>
            p.partial ? (
              <Cell
                key={p.date}
                fill={`url(#${hatchId})`}
                stroke={chartColors.users}
                strokeDasharray={SO_FAR_DASH}
                strokeWidth={1.5}
              />
            ) : (
              <Cell key={p.date} fill={chartColors.users} />
            ),
          )}
        </Bar>
      </BarChart>
    </ChartContainer>
  );
}
