import type { Queryable } from '../../pool';
import type { Interval } from './types';

export interface BucketGenAiCounts {
  /** Gemini replies (each model's row below added up) */
  requests: number;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** priced replies only */
  cost_usd: number;
  /** replies of a model without a price */
  unpriced: number;
  blocked: number;
  truncated: number;
  /** cost per model (models that answered in the interval) */
  cost_by_model: Record<string, number>;
  /** models with replies that have no price */
  unpriced_models: string[];
}

interface Row {
  i: number;
  model: string;
  requests: number;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  unpriced: number;
  blocked: number;
  truncated: number;
}

const COLUMNS = `count(*) AS requests, coalesce(sum(c.input_tokens), 0) AS input_tokens,
       coalesce(sum(c.cached_tokens), 0) AS cached_tokens, coalesce(sum(c.output_tokens), 0) AS output_tokens,
       coalesce(sum(c.reasoning_tokens), 0) AS reasoning_tokens, coalesce(sum(c.cost_usd), 0) AS cost_usd,
       count(*) FILTER (WHERE c.cost_usd IS NULL) AS unpriced,
       count(*) FILTER (WHERE c.block_reason IS NOT NULL) AS blocked,
       count(*) FILTER (WHERE c.finish_reason = 'MAX_TOKENS') AS truncated`;

/**
 * Gemini tokens and cost per interval and model, as getBucketMessageCounts reads messages: whole
 * 15-minute slots from the rollup (plus still-queued rows), the unaligned ends from the raw rows.
 */
export async function getBucketGenAiCounts(db: Queryable, buckets: Interval[]): Promise<BucketGenAiCounts[]> {
  if (buckets.length === 0) return [];
  const { rows } = await db.query<Row>(
    `WITH t AS (
       SELECT i, s, e, date_bin('15 minutes', s, TIMESTAMPTZ '2001-01-01 00:00:00+00') AS fs,
              date_bin('15 minutes', e, TIMESTAMPTZ '2001-01-01 00:00:00+00') AS z
         FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS t(s, e, i)
     ),
     b AS (SELECT i, s, e, z, CASE WHEN fs < s THEN fs + interval '15 minutes' ELSE fs END AS a FROM t),
     r AS (
       SELECT b.i, g.model, sum(g.requests) AS requests, sum(g.input_tokens) AS input_tokens,
              sum(g.cached_tokens) AS cached_tokens, sum(g.output_tokens) AS output_tokens,
              sum(g.reasoning_tokens) AS reasoning_tokens, sum(g.cost_usd) AS cost_usd,
              sum(g.unpriced) AS unpriced, sum(g.blocked) AS blocked, sum(g.truncated) AS truncated
         FROM b, gen_ai_slot_counts(b.a, b.z) g WHERE b.a < b.z GROUP BY 1, 2
       UNION ALL
       SELECT b.i, c.model, ${COLUMNS}
         FROM b JOIN conversations c ON c."timestamp" >= b.s AND c."timestamp" < least(b.a, b.e)
        WHERE c.model IS NOT NULL GROUP BY 1, 2
       UNION ALL
       SELECT b.i, c.model, ${COLUMNS}
         FROM b JOIN conversations c ON c."timestamp" >= greatest(b.z, b.a) AND c."timestamp" < b.e
        WHERE c.model IS NOT NULL GROUP BY 1, 2
     )
     SELECT i::int AS i, model, sum(requests) AS requests, sum(input_tokens) AS input_tokens,
            sum(cached_tokens) AS cached_tokens, sum(output_tokens) AS output_tokens,
            sum(reasoning_tokens) AS reasoning_tokens, sum(cost_usd) AS cost_usd, sum(unpriced) AS unpriced,
            sum(blocked) AS blocked, sum(truncated) AS truncated
       FROM r GROUP BY 1, 2 ORDER BY 1, 2`,
    [buckets.map((b) => b.start), buckets.map((b) => b.end)],
  );
  const out = buckets.map(emptyGenAiCounts);
  for (const r of rows) {
    const o = out[r.i - 1]!;
    o.requests += r.requests;
    o.input_tokens += r.input_tokens;
    o.cached_tokens += r.cached_tokens;
    o.output_tokens += r.output_tokens;
    o.reasoning_tokens += r.reasoning_tokens;
    o.cost_usd += r.cost_usd;
    o.unpriced += r.unpriced;
    o.blocked += r.blocked;
    o.truncated += r.truncated;
    o.cost_by_model[r.model] = r.cost_usd;
    if (r.unpriced > 0) o.unpriced_models.push(r.model);
  }
  for (const o of out) o.cost_usd = roundUsd(o.cost_usd);
  return out;
}

/** Costs are stored rounded to 1e-12 USD; sums in JS keep that grid. */
export const roundUsd = (usd: number) => Math.round(usd * 1e12) / 1e12;

export function emptyGenAiCounts(): BucketGenAiCounts {
  return {
    requests: 0,
    input_tokens: 0,
    cached_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    unpriced: 0,
    blocked: 0,
    truncated: 0,
    cost_by_model: {},
    unpriced_models: [],
  };
}
