import { Card } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { UnpricedModelsNotice } from '../gemini/UnpricedModelsNotice';
import { useMetrics } from '../metrics/MetricsContext';
import { formatCompact, formatDurationMs, formatNumber } from '../transforms/format';
import { formatShare, formatUsd, hasGeminiToday } from '../transforms/genAi';

/**
 * Gemini today: what it cost, per message, how many prompts were blocked or answers cut short, and
 * how long the model took (the generate stage). Live through `metrics:update`.
 */
export function GeminiCard() {
  const { genAi, status, error, retry } = useMetrics();
  return (
    <Card
      title="Gemini"
      subtitle="Usage and cost today"
      testId="gemini-card"
      className="gemini-card"
      titleId="gemini-card-title"
    >
      {genAi === null ? (
        status === 'error' ? (
          <ErrorState title="Cannot load Gemini usage" error={error} onRetry={retry} compact />
        ) : status === 'ready' ? (
          <p className="muted small">This admin does not report Gemini usage yet.</p>
        ) : (
          <GeminiFigures />
        )
      ) : hasGeminiToday(genAi) ? (
        <GeminiFigures />
      ) : (
        <EmptyState title="No Gemini replies today">
          Every reply so far came from the rule responder (or no one wrote yet), so there is no model cost to
          show.
        </EmptyState>
      )}
    </Card>
  );
}

function GeminiFigures() {
  const { genAi } = useMetrics();
  const tokens = genAi ? genAi.input_tokens + genAi.output_tokens + genAi.reasoning_tokens : null;
  return (
    <>
      <div className="stat-row gemini-stats">
        <div className="stat stat-primary">
          <span className="stat-value" data-testid="gemini-cost-today">
            {genAi ? formatUsd(genAi.cost_usd) : '—'}
          </span>
          <span className="stat-label">cost today</span>
        </div>
        <div className="stat">
          <span className="stat-value stat-value-sm" data-testid="gemini-cost-per-message">
            {genAi ? formatUsd(genAi.cost_per_message) : '—'}
          </span>
          <span className="stat-label">per reply</span>
        </div>
        <div className="stat">
          <span
            className="stat-value stat-value-sm"
            data-testid="gemini-tokens-today"
            title={tokens === null ? undefined : `${formatNumber(tokens)} tokens`}
          >
            {tokens === null ? '—' : formatCompact(tokens)}
          </span>
          <span className="stat-label">tokens</span>
        </div>
      </div>
      {genAi ? (
        <>
          <dl className="gemini-details">
            <div>
              <dt>Tokens in / cached</dt>
              <dd>
                {formatNumber(genAi.input_tokens)} / {formatNumber(genAi.cached_tokens)}
              </dd>
            </div>
            <div>
              <dt>Tokens out / thinking</dt>
              <dd>
                {formatNumber(genAi.output_tokens)} / {formatNumber(genAi.reasoning_tokens)}
              </dd>
            </div>
            <div>
              <dt>Blocked prompts</dt>
              <dd data-testid="gemini-blocked-share" className={genAi.blocked ? 'text-warn' : undefined}>
                {formatShare(genAi.blocked_share)}{' '}
                <span className="muted">({formatNumber(genAi.blocked)})</span>
              </dd>
            </div>
            <div>
              <dt>Cut at max tokens</dt>
              <dd data-testid="gemini-truncated-share" className={genAi.truncated ? 'text-warn' : undefined}>
                {formatShare(genAi.truncated_share)}{' '}
                <span className="muted">({formatNumber(genAi.truncated)})</span>
              </dd>
            </div>
            <div>
              <dt>Model latency</dt>
              <dd data-testid="gemini-latency">
                {formatDurationMs(genAi.latency_avg_ms)} avg · {formatDurationMs(genAi.latency_p95_ms)} p95
              </dd>
            </div>
            <div>
              <dt>Gemini replies</dt>
              <dd>{formatNumber(genAi.requests)}</dd>
            </div>
          </dl>
          <UnpricedModelsNotice models={genAi.unpriced_models} />
        </>
      ) : null}
    </>
  );
}
