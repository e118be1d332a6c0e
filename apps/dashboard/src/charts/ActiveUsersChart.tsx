import type { UsersResponse } from '@botpulse/protocol';
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact, formatNumber } from '../transforms/format';
import { ChartContainer } from './ChartContainer';
import { axisStyle, chartColors, chartMargin } from './chartTheme';

const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });

function parseDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/** Active users per day (dates are already local to the chosen zone, so no zone maths here). */
export default function ActiveUsersChart({ users, height }: { users: UsersResponse; height: number }) {
  const points = useMemo(
    () =>
      users.active_per_day.map((d) => ({
        date: d.date,
        label: dayLabel.format(parseDay(d.date)),
        users: d.users,
      })),
    [users],
  );
  return (
    <ChartContainer height={height}>
      <BarChart data={points} margin={chartMargin}>
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis dataKey="label" {...axisStyle} minTickGap={16} />
        <YAxis {...axisStyle} width={40} allowDecimals={false} tickFormatter={formatCompact} />
        <Tooltip
          cursor={{ fill: 'var(--surface-hover)' }}
          content={(props) => {
            const point = props.payload?.[0]?.payload as { date: string; users: number } | undefined;
            if (!point) return null;
            return (
              <div className="chart-tooltip">
                <p className="chart-tooltip-title">{weekday.format(parseDay(point.date))}</p>
                <p>{formatNumber(point.users)} active users</p>
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
        />
      </BarChart>
    </ChartContainer>
  );
}
