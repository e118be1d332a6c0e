import type { Granularity } from '@botpulse/protocol';
import { lazy, Suspense, useMemo } from 'react';
import type { RangeQuery } from '../api/range';
import { useTimeline } from '../api/timeline';
import { modelColor } from '../charts/chartTheme';
import { Card } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { describeRange } from '../transforms/dateRange';
import { formatCompact } from '../transforms/format';
import { costSeries, formatUsd } from '../transforms/genAi';

const CostByModelChart = lazy(() => import('../charts/CostByModelChart'));
const CHART_HEIGHT = 260;

/** "Cost per day by model" from the same timeline answer as the volume chart (one request). */
export function CostByModelCard({ query, granularity }: { query: RangeQuery; granularity: Granularity }) {
  const timeline = useTimeline(query, granularity);
  const data = timeline.data;
  const series = useMemo(() => (data ? costSeries(data) : null), [data]);

  return (
    <Card
      title="Gemini cost by model"
      subtitle={`${describeRange(query)} · per ${data?.granularity ?? granularity}, USD`}
      testId="cost-by-model"
    >
      {series && data ? (
        series.tokens === 0 && series.total === 0 ? (
          <EmptyState title="No Gemini replies in this range">
            The rule responder answered every message, so there is no model cost. Set GEMINI_API_KEY to reply
            with Gemini.
          </EmptyState>
        ) : (
          <>
            <div
              className={`chart-slot${timeline.isPlaceholderData ? ' is-stale' : ''}`}
              style={{ height: CHART_HEIGHT }}
            >
              <Suspense fallback={<Skeleton height={CHART_HEIGHT} label="Loading chart" />}>
                <CostByModelChart series={series} granularity={data.granularity} height={CHART_HEIGHT} />
              </Suspense>
              {series.total === 0 ? (
                <p className="chart-overlay">Tokens were used, but no model in this range has a price.</p>
              ) : null}
            </div>
            <div className="chart-legend">
              <ul className="legend-items">
                {series.models.map((m, i) => (
                  <li key={m}>
                    <span
                      className="legend-swatch"
                      style={{ background: modelColor(i) }}
                      aria-hidden="true"
                    />{' '}
                    {m}
                  </li>
                ))}
                <li>
                  <span className="legend-swatch swatch-so-far" aria-hidden="true" /> Still running (so far)
                </li>
              </ul>
              <p className="small muted" data-testid="cost-by-model-total">
                {formatUsd(series.total)} in total · {formatCompact(series.tokens)} tokens
              </p>
            </div>
          </>
        )
      ) : timeline.isError ? (
        <ErrorState
          title="Cannot load the Gemini cost"
          error={timeline.error}
          onRetry={() => void timeline.refetch()}
        />
      ) : (
        <Skeleton height={CHART_HEIGHT} label="Loading Gemini cost" />
      )}
    </Card>
  );
}
