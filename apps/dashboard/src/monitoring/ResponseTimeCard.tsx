import { browserTimeZone } from '../api/range';
import { Card } from '../components/Card';
import { DrillLink } from '../conversations/DrillLink';
import { explorerPath, lastHour } from '../conversations/links';
import { useMetrics } from '../metrics/MetricsContext';
import { formatDurationMs, formatNumber } from '../transforms/format';
import { stageBreakdown } from '../transforms/stages';

export function ResponseTimeCard() {
  const { totals } = useMetrics();
  const segments = stageBreakdown(totals?.stages);
  const failed = totals?.messages.failed_last_hour ?? 0;

  return (
    <Card title="Response time" subtitle="From webhook to reply sent">
      <div className="stat-row">
        <div className="stat stat-primary">
          <span className="stat-value" data-testid="avg-response-time">
            {totals ? formatDurationMs(totals.messages.avg_response_time) : '—'}
          </span>
          <span className="stat-label">average</span>
        </div>
        <div className="stat">
          <span className="stat-value stat-value-sm">
            {totals ? (
              <DrillLink
                to={() =>
                  explorerPath({
                    ...lastHour(),
                    tz: browserTimeZone(),
                    min_response_ms: Math.floor(totals.messages.p95_response_time),
                  })
                }
                title="Read the slowest replies of the last hour (at or above p95)"
                testId="drill-slow"
              >
                {formatDurationMs(totals.messages.p95_response_time)}
              </DrillLink>
            ) : (
              '—'
            )}
          </span>
          <span className="stat-label">p95</span>
        </div>
        <div className="stat">
          <span className={`stat-value stat-value-sm${failed ? ' text-bad' : ''}`}>
            {totals ? (
              <DrillLink
                to={() => explorerPath({ ...lastHour(), tz: browserTimeZone(), status: 'failed' })}
                title="Read the failed replies of the last hour"
                testId="drill-failed"
              >
                {formatNumber(failed)}
              </DrillLink>
            ) : (
              '—'
            )}
          </span>
          <span className="stat-label">failed last hour</span>
        </div>
      </div>
      {segments.length ? (
        <div className="stages">
          <div className="stage-bar" role="img" aria-label="Share of reply time per stage">
            {segments.map((s) => (
              <span
                key={s.stage}
                className={`stage-segment stage-${s.stage}`}
                style={{ width: `${s.pct}%` }}
              />
            ))}
          </div>
          <ul className="stage-legend">
            {segments.map((s) => (
              <li key={s.stage}>
                <span className={`legend-swatch stage-${s.stage}`} aria-hidden="true" />
                {s.label}
                <span className="stage-times">
                  {formatDurationMs(s.avgMs)} avg · {formatDurationMs(s.p95Ms)} p95
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted small">The stage breakdown appears after the first replies.</p>
      )}
    </Card>
  );
}
