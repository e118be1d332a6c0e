import { lazy, Suspense } from 'react';
import type { RangeQuery } from '../api/range';
import { useUsers } from '../api/users';
import { Card } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { formatNumber } from '../transforms/format';

const ActiveUsersChart = lazy(() => import('../charts/ActiveUsersChart'));
const CHART_HEIGHT = 220;

/** Same query (and so the same request) as the top users table on the same page. */
export function UserActivityCard({
  query,
  page,
  pageSize,
}: {
  query: RangeQuery;
  page: number;
  pageSize: number;
}) {
  const users = useUsers(query, page, pageSize);
  const data = users.data;
  const both = data ? data.new_users + data.returning_users : 0;
  const newPct = both > 0 && data ? (data.new_users / both) * 100 : 0;

  return (
    <Card title="User activity" subtitle="Active users per day, and who is new">
      <div className="chart-slot" style={{ height: CHART_HEIGHT }}>
        {data ? (
          <Suspense fallback={<Skeleton height={CHART_HEIGHT} label="Loading chart" />}>
            <ActiveUsersChart users={data} height={CHART_HEIGHT} />
          </Suspense>
        ) : users.isError ? (
          <ErrorState
            title="Cannot load user activity"
            error={users.error}
            onRetry={() => void users.refetch()}
          />
        ) : (
          <Skeleton height={CHART_HEIGHT} label="Loading user activity" />
        )}
      </div>
      <dl className="facts facts-row">
        <div>
          <dt>DAU</dt>
          <dd>{data ? formatNumber(data.dau) : '—'}</dd>
        </div>
        <div>
          <dt>WAU</dt>
          <dd>{data ? formatNumber(data.wau) : '—'}</dd>
        </div>
        <div>
          <dt>MAU</dt>
          <dd>{data ? formatNumber(data.mau) : '—'}</dd>
        </div>
      </dl>
      <div className="split">
        <div className="split-bar" role="img" aria-label={`${Math.round(newPct)}% new users`}>
          <span className="split-new" style={{ width: `${newPct}%` }} />
          <span className="split-returning" style={{ width: `${both ? 100 - newPct : 0}%` }} />
        </div>
        <ul className="legend-items">
          <li>
            <span className="legend-swatch swatch-new" aria-hidden="true" /> New:{' '}
            {data ? formatNumber(data.new_users) : '—'}
          </li>
          <li>
            <span className="legend-swatch swatch-returning" aria-hidden="true" /> Returning:{' '}
            {data ? formatNumber(data.returning_users) : '—'}
          </li>
        </ul>
      </div>
    </Card>
  );
}
