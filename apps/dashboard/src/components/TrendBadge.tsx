import { formatChangePct } from '../transforms/format';
import { trendOf } from '../transforms/trend';

const ARROWS = { up: '▲', down: '▼', flat: '▬', new: '•' } as const;

export function TrendBadge({
  changePct,
  higherIsBetter = true,
  suffix = 'vs previous period',
}: {
  changePct: number | null;
  higherIsBetter?: boolean;
  suffix?: string;
}) {
  const trend = trendOf(changePct, higherIsBetter);
  const text = changePct === null ? 'no data in previous period' : `${formatChangePct(changePct)} ${suffix}`;
  return (
    <span className={`trend trend-${trend.tone}`} data-direction={trend.direction}>
      <span className="trend-arrow" aria-hidden="true">
        {ARROWS[trend.direction]}
      </span>
      {text}
    </span>
  );
}
