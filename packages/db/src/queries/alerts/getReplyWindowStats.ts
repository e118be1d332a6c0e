import type { Queryable } from '../../pool';

export interface ReplyWindowStats {
  messages: number;
  failed: number;
  /** p95 of response_time_ms, null without messages */
  p95_ms: number | null;
}

/** Messages, failed replies and the p95 response time over the last `windowSeconds` (the alert rules). */
export async function getReplyWindowStats(db: Queryable, windowSeconds: number): Promise<ReplyWindowStats> {
  const { rows } = await db.query<ReplyWindowStats>(
    `SELECT count(*) AS messages, count(*) FILTER (WHERE status = 'failed') AS failed,
            percentile_disc(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_ms
       FROM conversations WHERE "timestamp" > now() - $1 * interval '1 second'`,
    [windowSeconds],
  );
  return rows[0]!;
}

/** Time of the newest stored user message (null: none yet). */
export async function getLastMessageAt(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ at: Date | null }>(`SELECT max("timestamp") AS at FROM conversations`);
  return rows[0]?.at ?? null;
}
