import type { Queryable } from '../../pool';

/**
 * The generate stage (the Gemini call, retries included) of the Gemini replies in [since, until):
 * average and p95 in ms, null without one. One range of the Gemini replies' own index (migration
 * 017): the day's other replies cost nothing (the table is still visited for rows not yet vacuumed,
 * and the p95 sorts the day's Gemini replies, so the cost grows with them).
 */
export async function getGenAiLatency(
  db: Queryable,
  since: Date,
  until: Date,
): Promise<{ avg_ms: number | null; p95_ms: number | null }> {
  const { rows } = await db.query<{ avg_ms: number | null; p95_ms: number | null }>(
    `SELECT avg(generate_ms) AS avg_ms,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY generate_ms) AS p95_ms
       FROM conversations
      WHERE "timestamp" >= $1 AND "timestamp" < $2 AND model IS NOT NULL AND generate_ms IS NOT NULL`,
    [since, until],
  );
  return rows[0]!;
}
