import type { Queryable } from '../../pool';
import type { Interval } from './types';

export interface BucketMessageCounts {
  messages: number;
  failed: number;
  response_ms_sum: number;
  response_count: number;
}

/**
 * Messages, failures and response-time sums per interval: whole 15-minute slots from the rollups
 * (plus still-queued rows), the unaligned ends of an interval from the raw rows.
 */
export async function getBucketMessageCounts(
  db: Queryable,
  buckets: Interval[],
): Promise<BucketMessageCounts[]> {
  if (buckets.length === 0) return [];
  const { rows } = await db.query<BucketMessageCounts & { i: number }>(
    `WITH t AS (
       SELECT i, s, e, date_bin('15 minutes', s, TIMESTAMPTZ '2001-01-01 00:00:00+00') AS fs,
              date_bin('15 minutes', e, TIMESTAMPTZ '2001-01-01 00:00:00+00') AS z
         FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS t(s, e, i)
     ),
     b AS (SELECT i, s, e, z, CASE WHEN fs < s THEN fs + interval '15 minutes' ELSE fs END AS a FROM t)
     SELECT b.i::int AS i,
            coalesce(sl.messages, 0) + r1.messages + r2.messages AS messages,
            coalesce(sl.failed, 0) + r1.failed + r2.failed AS failed,
            coalesce(sl.rsum, 0) + coalesce(r1.rsum, 0) + coalesce(r2.rsum, 0) AS response_ms_sum,
            coalesce(sl.rcount, 0) + r1.rcount + r2.rcount AS response_count
       FROM b
       LEFT JOIN LATERAL (
         SELECT sum(messages) AS messages, sum(failed) AS failed, sum(response_ms_sum) AS rsum,
                sum(response_count) AS rcount
           FROM slot_counts(b.a, b.z) WHERE b.a < b.z
       ) sl ON true
       -- The unaligned ends, each its own index range (an OR of two ranges would scan the table).
       CROSS JOIN LATERAL (
         SELECT count(*) AS messages, count(*) FILTER (WHERE c.status = 'failed') AS failed,
                sum(c.response_time_ms) AS rsum, count(c.response_time_ms) AS rcount
           FROM conversations c WHERE c."timestamp" >= b.s AND c."timestamp" < least(b.a, b.e)
       ) r1
       CROSS JOIN LATERAL (
         SELECT count(*) AS messages, count(*) FILTER (WHERE c.status = 'failed') AS failed,
                sum(c.response_time_ms) AS rsum, count(c.response_time_ms) AS rcount
           FROM conversations c WHERE c."timestamp" >= greatest(b.z, b.a) AND c."timestamp" < b.e
       ) r2
      ORDER BY b.i`,
    [buckets.map((b) => b.start), buckets.map((b) => b.end)],
  );
  return rows.map(({ i: _i, ...counts }) => counts);
}
