import { changePct } from '@botpulse/metrics';
import { lazy, Suspense, useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { browserTimeZone } from '../api/range';
import { useTimeline } from '../api/timeline';
import { Card } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { TrendBadge } from '../components/TrendBadge';
import { explorerPath } from '../conversations/links';
import { useNow } from '../hooks/useNow';
import { useMetrics } from '../metrics/MetricsContext';
import { formatNumber } from '../transforms/format';
import { last24Hours } from '../transforms/timeWindow';
import { sumCompleteMessages, volumeSeries } from '../transforms/volumeSeries';

const Volume24hChart = lazy(() => import('../charts/Volume24hChart'));
const CHART_HEIGHT = 300;
const HOUR_MS = 3_600_000;

export function MessageVolumeCard() {
  const { totals } = useMetrics();
  const navigate = useNavigate();
  const hour = Math.floor(useNow(60_000) / HOUR_MS);
  // The window moves once an hour; the 60 s refetch fills in the current hour meanwhile.
  const window = useMemo(() => last24Hours(hour * HOUR_MS), [hour]);
  const timeline = useTimeline({ ...window, tz: browserTimeZone() }, 'hour', { refetchIntervalMs: 60_000 });
  const data = timeline.data;
  // The current hour has only begun: compare the complete hours with the same hours the day before.
  const complete = useMemo(() => (data ? sumCompleteMessages(volumeSeries(data)) : null), [data]);
  const change = complete ? changePct(complete.current, complete.previous) : null;

  return (
    <Card
      title="Messages"
      subtitle="Last 24 hours, hourly, with the 24 hours before (grey, dashed); this hour so far dotted"
    >
      <div className="stat-row">
        <div className="stat stat-primary">
          <span className="stat-value" data-testid="total-messages">
            {totals ? formatNumber(totals.messages.total) : '—'}
          </span>
          <span className="stat-label">total messages</span>
        </div>
        <div className="stat">
          <span className="stat-value stat-value-sm">
            {totals ? formatNumber(totals.messages.last_hour) : '—'}
          </span>
          <span className="stat-label">last hour</span>
        </div>
        <div className="stat">
          <span className="stat-value stat-value-sm">
            {totals ? formatNumber(totals.messages.last_24h) : '—'}
          </span>
          <span className="stat-label">last 24 h</span>
          {data ? <TrendBadge changePct={change} suffix="vs the same hours the day before" /> : null}
        </div>
      </div>
      <div className="chart-slot" style={{ height: CHART_HEIGHT }} data-testid="volume-24h">
        {data ? (
          <Suspense fallback={<Skeleton height={CHART_HEIGHT} label="Loading chart" />}>
            <Volume24hChart
              timeline={data}
              height={CHART_HEIGHT}
              onPoint={(p) => navigate(explorerPath({ from: p.from, to: p.to, tz: data.tz }))}
            />
          </Suspense>
        ) : timeline.isError ? (
          <ErrorState
            title="Cannot load the hourly volume"
            error={timeline.error}
            onRetry={() => void timeline.refetch()}
            compact
          />
        ) : (
          <Skeleton height={CHART_HEIGHT} label="Loading hourly volume" />
        )}
      </div>
    </Card>
  );
}
