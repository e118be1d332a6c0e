import { Sparkline } from '../components/Sparkline';
import { TrendBadge } from '../components/TrendBadge';
import { trendOf } from '../transforms/trend';

export interface KPICardProps {
  label: string;
  value: string;
  testId: string;
  changePct: number | null;
  higherIsBetter: boolean;
  previousText: string;
  sparkline?: readonly number[];
  /** how many leading sparkline values are complete buckets */
  sparklineComplete?: number;
}

/** Plan 3.2.2: large number, % change vs the previous period with arrow and colour, sparkline. */
export function KPICard({
  label,
  value,
  testId,
  changePct,
  higherIsBetter,
  previousText,
  sparkline,
  sparklineComplete,
}: KPICardProps) {
  const { tone } = trendOf(changePct, higherIsBetter);
  return (
    <section className="card kpi">
      <h2 className="kpi-label">{label}</h2>
      <p className="kpi-value" data-testid={testId}>
        {value}
      </p>
      <TrendBadge changePct={changePct} higherIsBetter={higherIsBetter} />
      <div className="kpi-foot">
        <span className="muted small">{previousText}</span>
        {sparkline?.length ? (
          <Sparkline
            values={sparkline}
            complete={sparklineComplete}
            width={110}
            height={32}
            label={`${label} trend`}
            tone={tone === 'bad' ? 'bad' : 'accent'}
          />
        ) : null}
      </div>
    </section>
  );
}
