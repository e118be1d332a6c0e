import type { Queryable } from '../../pool';

export interface ReplyWindowStats {
  messages: number;
  failed: number;
  /** p95 of response_time_ms, null without messages */
  p95_ms: number | null;
}

/**
 * Messages, failed replies and the p95 response time over the last `windowSeconds`, counted by the
 * database: the alert rules' reference. The evaluator keeps the window in memory instead
 * (`ReplyWindow`, from getReplyWindowRows) and uses this only for windows too long to keep.
 */
export async function getReplyWindowStats(db: Queryable, windowSeconds: number): Promise<ReplyWindowStats> {
  const { rows } = await db.query<{ messages: string; failed: string; p95_ms: number | null }>(
    `SELECT count(*)::text AS messages, count(*) FILTER (WHERE status = 'failed')::text AS failed,
            percentile_disc(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_ms
       FROM conversations WHERE "timestamp" > now() - $1 * interval '1 second'`,
    [windowSeconds],
  );
  const r = rows[0]!;
  return { messages: Number(r.messages), failed: Number(r.failed), p95_ms: r.p95_ms };
}

/** Time of the newest stored user message (null: none yet). */
export async function getLastMessageAt(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ at: Date | null }>(`SELECT max("timestamp") AS at FROM conversations`);
  return rows[0]?.at ?? null;
}
