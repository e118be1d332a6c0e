import type { Bucket, GenAiToday, TimelineResponse } from '@botpulse/protocol';
import { fillBuckets, resolveRange } from './buckets';
import { bucketLabel } from './volumeSeries';

const usdCents = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const usdSmall = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumSignificantDigits: 2,
  maximumSignificantDigits: 2,
});

/**
 * Dollars as a person reads a bill: "$12.34", "$1,204.50"; below a dollar keep two significant
 * digits ("$0.42", "$0.0031") so a cheap model's cost per message does not read as "$0.00".
 */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '$0.00';
  return Math.abs(value) >= 1 ? usdCents.format(value) : usdSmall.format(value);
}

/** Shares 0–1 as "2.4%", "0%", "—" without a denominator. */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  if (share === 0) return '0%';
  const pct = share * 100;
  return `${pct < 0.1 ? '<0.1' : pct.toFixed(pct < 10 ? 1 : 0)}%`;
}

/** The warning for models answered without a price; null when every model has one. */
export function unpricedWarning(models: readonly string[] | undefined): string | null {
  if (!models?.length) return null;
  const names = models.map((m) => `"${m}"`).join(', ');
  return `No price for ${names}: ${models.length === 1 ? 'its' : 'their'} replies are counted in tokens but not in the cost. Add ${models.length === 1 ? 'it' : 'them'} to the price table (GEMINI_PRICES_FILE).`;
}

/** Did Gemini answer anything today? Without a reply the card says so instead of "$0.00". */
export function hasGeminiToday(today: GenAiToday | null | undefined): today is GenAiToday {
  return !!today && today.requests > 0;
}

export interface CostPoint {
  at: number;
  label: string;
  partial: boolean;
  total: number;
  /** cost per model, keyed `m:<model>` (a model name may contain dots, which Recharts reads as paths) */
  [key: `m:${string}`]: number;
}

export interface CostSeries {
  points: CostPoint[];
  /** models by total cost, largest first (the stacking order, bottom up) */
  models: string[];
  total: number;
  /** tokens in the range: a range with tokens and no cost is all unpriced */
  tokens: number;
}

export const modelKey = (model: string): `m:${string}` => `m:${model}`;

/**
 * "Cost per day by model": one point per bucket (gaps filled with zero), each model's cost stacked.
 * Buckets from the first one still filling are "so far", as on the volume chart.
 */
export function costSeries(timeline: TimelineResponse): CostSeries {
  const { granularity, tz } = timeline;
  const buckets: Bucket[] = fillBuckets(
    timeline.buckets,
    resolveRange(timeline.from, timeline.to, tz),
    granularity,
  );
  const totals = new Map<string, number>();
  let tokens = 0;
  for (const b of buckets) {
    tokens += (b.input_tokens ?? 0) + (b.output_tokens ?? 0);
    for (const [model, usd] of Object.entries(b.cost_by_model ?? {})) {
      totals.set(model, (totals.get(model) ?? 0) + usd);
    }
  }
  const models = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
  const firstPartial = buckets.findIndex((b) => b.partial);
  const points = buckets.map((b, i): CostPoint => {
    const point: CostPoint = {
      at: Date.parse(b.start),
      label: bucketLabel(b.start, granularity, tz),
      partial: firstPartial !== -1 && i >= firstPartial,
      total: b.cost_usd ?? 0,
    };
    for (const m of models) point[modelKey(m)] = b.cost_by_model?.[m] ?? 0;
    return point;
  });
  const total = [...totals.values()].reduce((s, v) => s + v, 0);
  return { points, models, total, tokens };
}

/** The chart in words, for screen readers. */
export function describeCost(series: CostSeries, granularity: string): string {
  if (series.total === 0) return 'No Gemini cost in this range.';
  const peak = series.points.reduce((a, b) => (b.total > a.total ? b : a));
  const byModel = series.models.map((m) => m).join(', ');
  return `Gemini cost per ${granularity}, ${formatUsd(series.total)} in total (${byModel}); highest ${formatUsd(peak.total)} on ${peak.label}.`;
}
