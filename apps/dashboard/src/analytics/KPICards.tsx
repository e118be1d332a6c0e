import type { OverviewResponse } from '@botpulse/protocol';
import { useOverview } from '../api/overview';
import type { RangeQuery } from '../api/range';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { UnpricedModelsNotice } from '../gemini/UnpricedModelsNotice';
import { formatCompact, formatDurationMs, formatNumber } from '../transforms/format';
import { formatUsd } from '../transforms/genAi';
import { KPICard } from './KPICard';

const KPI_HEIGHT = 164;

/** The API may add a response-time sparkline; use it when it is there. */
function responseTimeSparkline(sparklines: OverviewResponse['sparklines']): number[] | undefined {
  if (!('avg_response_time_ms' in sparklines)) return undefined;
  const series = sparklines.avg_response_time_ms;
  return Array.isArray(series) && series.every((v) => typeof v === 'number') ? series : undefined;
}

export function KPICards({ query }: { query: RangeQuery }) {
  const overview = useOverview(query);
  if (!overview.data) {
    return (
      <div className="kpi-grid">
        {overview.isError ? (
          <div className="card kpi-error">
            <ErrorState
              title="Cannot load the key numbers"
              error={overview.error}
              onRetry={() => void overview.refetch()}
            />
          </div>
        ) : (
          [0, 1, 2, 3].map((i) => <Skeleton key={i} height={KPI_HEIGHT} label="Loading key numbers" />)
        )}
      </div>
    );
  }
  const { current, previous, change_pct, sparklines, sparklines_complete } = overview.data;
  const tokens = (c: typeof current) => (c.input_tokens ?? 0) + (c.output_tokens ?? 0);
  // No tokens at all: the rule responder answered everything, so there is no cost to compare.
  const noGemini = tokens(current) === 0;
  const previousCost = tokens(previous) === 0 ? 'no Gemini replies' : formatUsd(previous.cost_usd ?? 0);
  // While the range is still running, the previous figures stop as far into their period (the API's
  // previous_until), so the change compares like with like.
  const running = sparklines_complete < sparklines.messages.length;
  const inPrevious = running ? 'in the same part of the previous period' : 'in the previous period';
  return (
    <>
      <div className={`kpi-grid${overview.isPlaceholderData ? ' is-stale' : ''}`}>
        <KPICard
          label="Total messages"
          testId="kpi-total-messages"
          value={formatNumber(current.messages)}
          changePct={change_pct.messages}
          higherIsBetter
          previousText={`${formatNumber(previous.messages)} ${inPrevious}`}
          sparkline={sparklines.messages}
          sparklineComplete={sparklines_complete}
        />
        <KPICard
          label="Unique users"
          testId="kpi-unique-users"
          value={formatNumber(current.users)}
          changePct={change_pct.users}
          higherIsBetter
          previousText={`${formatNumber(previous.users)} ${inPrevious}`}
          sparkline={sparklines.users}
          sparklineComplete={sparklines_complete}
        />
        <KPICard
          label="Avg response time"
          testId="kpi-avg-response-time"
          value={formatDurationMs(current.avg_response_time_ms)}
          changePct={change_pct.avg_response_time_ms}
          higherIsBetter={false}
          previousText={`${formatDurationMs(previous.avg_response_time_ms)} ${inPrevious}`}
          sparkline={responseTimeSparkline(sparklines)}
          sparklineComplete={sparklines_complete}
        />
        <KPICard
          label="Gemini cost"
          testId="kpi-gemini-cost"
          value={noGemini ? '—' : formatUsd(current.cost_usd ?? 0)}
          changePct={noGemini ? null : (change_pct.cost_usd ?? null)}
          higherIsBetter={false}
          previousText={
            noGemini
              ? 'No Gemini replies in this range: the rule responder answered.'
              : `${formatCompact(tokens(current))} tokens · ${previousCost} ${inPrevious}`
          }
        />
      </div>
      <UnpricedModelsNotice models={overview.data.unpriced_models} />
    </>
  );
}
