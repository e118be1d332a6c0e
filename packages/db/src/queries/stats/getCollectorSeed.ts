import type { CollectorSeed, StageTimesMs } from '@botpulse/metrics';
import type { GenAiTotals } from '@botpulse/protocol';
import type { Queryable } from '../../pool';

/**
 * What one bot instance needs to rebuild its in-memory collector after a start or a crash:
 * its own totals, the last 7 days by hour and day, the last 24 h by minute, its users of the
 * last 7 days and its last 1000 response times. Bounded to the recent window and indexed.
 */
export async function getCollectorSeed(
  db: Queryable,
  instanceId: string,
  nowMs: number,
): Promise<Required<CollectorSeed>> {
  const now = new Date(nowMs);
  // One after the other: inside a recount's snapshot they share one client, where pg must not queue.
  const totals = await db.query<{ messages: number; failed: number }>(
    `SELECT count(*) AS messages, count(*) FILTER (WHERE status = 'failed') AS failed
         FROM conversations WHERE instance_id = $1`,
    [instanceId],
  );
  const users = await db.query<{ n: number }>(`SELECT count(*) AS n FROM users`);
  const minutes = await db.query<{ t: number; messages: number; failed: number }>(
    `SELECT (extract(epoch FROM date_trunc('minute', "timestamp")) * 1000)::float8 AS t,
              count(*) AS messages, count(*) FILTER (WHERE status = 'failed') AS failed
         FROM conversations
        WHERE instance_id = $1 AND "timestamp" >= $2::timestamptz - interval '24 hours' AND "timestamp" <= $2
        GROUP BY 1`,
    [instanceId, now],
  );
  const hours = await db.query<{ t: number; messages: number; users: number; sum: number; failed: number }>(
    `SELECT (extract(epoch FROM date_trunc('hour', "timestamp")) * 1000)::float8 AS t,
              count(*) AS messages, count(DISTINCT facebook_id) AS users,
              coalesce(sum(response_time_ms), 0) AS sum, count(*) FILTER (WHERE status = 'failed') AS failed
         FROM conversations
        WHERE instance_id = $1 AND "timestamp" >= date_trunc('hour', $2::timestamptz) - interval '167 hours'
          AND "timestamp" <= $2
        GROUP BY 1`,
    [instanceId, now],
  );
  const days = await db.query<{ t: number; users: number }>(
    `SELECT (extract(epoch FROM date_trunc('day', "timestamp" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') * 1000)::float8 AS t,
              count(DISTINCT facebook_id) AS users
         FROM conversations
        WHERE instance_id = $1
          AND "timestamp" >= (date_trunc('day', $2::timestamptz AT TIME ZONE 'UTC') - interval '7 days') AT TIME ZONE 'UTC'
          AND "timestamp" <= $2
        GROUP BY 1`,
    [instanceId, now],
  );
  const lastSeen = await db.query<{ facebook_id: string; t: number }>(
    `SELECT facebook_id, (extract(epoch FROM max("timestamp")) * 1000)::float8 AS t
         FROM conversations
        WHERE instance_id = $1
          AND "timestamp" >= (date_trunc('day', $2::timestamptz AT TIME ZONE 'UTC') - interval '8 days') AT TIME ZONE 'UTC'
          AND "timestamp" <= $2
        GROUP BY facebook_id`,
    [instanceId, now],
  );
  const recent = await db.query<StageRow>(
    `SELECT response_time_ms, queue_ms, profile_ms, generate_ms, send_ms, store_ms
         FROM conversations WHERE instance_id = $1 ORDER BY id DESC LIMIT 1000`,
    [instanceId],
  );
  const genAi = await getGenAiTotals(db, instanceId);
  return {
    genAi,
    totalMessages: totals.rows[0]!.messages,
    failedTotal: totals.rows[0]!.failed,
    totalUsers: users.rows[0]!.n,
    minutes: minutes.rows.map((r) => ({ minuteStartMs: r.t, messages: r.messages, failed: r.failed })),
    hours: hours.rows.map((r) => ({
      hourStartMs: r.t,
      messages: r.messages,
      users: r.users,
      responseMsSum: r.sum,
      responseCount: r.messages,
      failed: r.failed,
    })),
    days: days.rows.map((r) => ({ dayStartMs: r.t, users: r.users })),
    users: lastSeen.rows.map((r) => ({ userId: r.facebook_id, lastSeenMs: r.t })),
    recentResponseTimes: recent.rows.map((r) => r.response_time_ms).reverse(),
    recentStages: recent.rows.map(stageTimes).reverse(),
  };
}

interface StageRow {
  response_time_ms: number;
  queue_ms: number | null;
  profile_ms: number | null;
  generate_ms: number | null;
  send_ms: number | null;
  store_ms: number | null;
}

/** A row's stage times; a row from before they were all kept (queue_ms null) has none. */
function stageTimes(r: StageRow): StageTimesMs | null {
  if (r.queue_ms === null) return null;
  return {
    queueMs: r.queue_ms,
    profileMs: r.profile_ms ?? 0,
    generateMs: r.generate_ms ?? 0,
    sendMs: r.send_ms ?? 0,
    storeMs: r.store_ms ?? 0,
  };
}

/**
 * Gemini usage and cost of one instance's rows (`gen_ai` in its /debug/metrics after a restart):
 * the same sums the bot keeps live, by model and finish reason, read in one pass over its rows.
 */
export async function getGenAiTotals(db: Queryable, instanceId: string): Promise<GenAiTotals> {
  const { rows } = await db.query<{
    model: string;
    finish_reason: string | null;
    requests: number;
    input_tokens: number;
    cached_tokens: number;
    output_tokens: number;
    reasoning_tokens: number;
    cost_usd: number;
    unpriced: number;
    blocked: number;
    truncated: number;
  }>(
    `SELECT model, finish_reason, count(*) AS requests, coalesce(sum(input_tokens), 0) AS input_tokens,
            coalesce(sum(cached_tokens), 0) AS cached_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
            coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens, coalesce(sum(cost_usd), 0) AS cost_usd,
            count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced,
            count(*) FILTER (WHERE block_reason IS NOT NULL) AS blocked,
            count(*) FILTER (WHERE finish_reason = 'MAX_TOKENS') AS truncated
       FROM conversations WHERE instance_id = $1 AND model IS NOT NULL
      GROUP BY 1, 2`,
    [instanceId],
  );
  const t: GenAiTotals = {
    requests: 0,
    input_tokens: 0,
    cached_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    blocked: 0,
    truncated: 0,
    finish_reasons: {},
    unpriced_requests: 0,
    unpriced_models: [],
  };
  for (const r of rows) {
    t.requests += r.requests;
    t.input_tokens += r.input_tokens;
    t.cached_tokens += r.cached_tokens;
    t.output_tokens += r.output_tokens;
    t.reasoning_tokens += r.reasoning_tokens;
    t.cost_usd += r.cost_usd;
    t.blocked += r.blocked;
    t.truncated += r.truncated;
    t.unpriced_requests += r.unpriced;
    if (r.unpriced > 0 && !t.unpriced_models.includes(r.model)) t.unpriced_models.push(r.model);
    if (r.finish_reason !== null)
      t.finish_reasons[r.finish_reason] = (t.finish_reasons[r.finish_reason] ?? 0) + r.requests;
  }
  return t;
}
