import { useState } from 'react';
import { browserTimeZone } from '../api/range';
import { useUsers } from '../api/users';
import { Card } from '../components/Card';
import { Sparkline } from '../components/Sparkline';
import { useMetrics } from '../metrics/MetricsContext';
import { addDays, localIsoDate } from '../transforms/dateRange';
import { formatNumber } from '../transforms/format';
import { completeDays } from '../transforms/incomplete';
import { ActiveUsersList } from './ActiveUsersList';

export function ActiveUsersCard() {
  const { totals } = useMetrics();
  const [listOpen, setListOpen] = useState(false);
  const today = localIsoDate(new Date());
  const week = useUsers({ from: addDays(today, -6), to: today, tz: browserTimeZone() }, 1, 5);
  const perDay = week.data?.active_per_day.map((d) => d.users) ?? [];
  const complete = week.data
    ? completeDays(
        week.data.active_per_day.map((d) => d.date),
        week.data.as_of,
        week.data.tz,
      )
    : perDay.length;

  return (
    <Card
      title="Active users"
      subtitle="Now = last 30 minutes"
      actions={
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => setListOpen(true)}>
          Today's users
        </button>
      }
    >
      <div className="stat-row">
        <div className="stat stat-primary">
          <span className="stat-value">{totals ? formatNumber(totals.users.active_last_30_min) : '—'}</span>
          <span className="stat-label">active now</span>
        </div>
        <button type="button" className="stat stat-button" onClick={() => setListOpen(true)}>
          <span className="stat-value stat-value-sm" data-testid="active-users-today">
            {totals ? formatNumber(totals.users.active_today) : '—'}
          </span>
          <span className="stat-label">today</span>
        </button>
        <div className="stat">
          <span className="stat-value stat-value-sm">
            {totals ? formatNumber(totals.users.active_this_week) : '—'}
          </span>
          <span className="stat-label">this week</span>
        </div>
      </div>
      <div className="sparkline-row">
        <Sparkline
          values={perDay}
          complete={complete}
          width={240}
          height={40}
          label="Active users per day, last 7 days"
        />
        <span className="muted small">7-day trend</span>
      </div>
      {listOpen ? <ActiveUsersList today={today} onClose={() => setListOpen(false)} /> : null}
    </Card>
  );
}
