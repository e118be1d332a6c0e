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
 * (`ReplyWindow`) and uses this only for windows too long to keep.
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

/** Rows of a reply window as columns: event time (epoch ms), response time, failed or not. */
export interface ReplyWindowRows {
  /** the rollup version of the same snapshot (a data-protection delete moves it) */
  version: number;
  /** the database's now(), epoch ms */
  nowMs: number;
  /** the highest id read (or, for a full read, the highest id there is); 0 for none */
  lastId: number;
  ts: number[];
  responseMs: number[];
  failed: boolean[];
}

interface RawRows {
  version: string;
  now_ms: string;
  last_id: string | null;
  ts: string[] | null;
  rt: number[] | null;
  failed: boolean[] | null;
}

function columns(r: RawRows): ReplyWindowRows {
  return {
    version: Number(r.version),
    nowMs: Number(r.now_ms),
    lastId: Number(r.last_id ?? 0),
    ts: (r.ts ?? []).map(Number),
    responseMs: r.rt ?? [],
    failed: r.failed ?? [],
  };
}

const HEAD = `SELECT (SELECT version FROM rollup_version)::text AS version,
                     (extract(epoch FROM now()) * 1000)::float8::text AS now_ms`;

/**
 * Every row of the last `windowSeconds` and the highest id stored, in one snapshot. Ids grow in
 * commit order (the feed lock), so reading on from that id later misses nothing.
 */
export async function getReplyWindowRows(db: Queryable, windowSeconds: number): Promise<ReplyWindowRows> {
  const { rows } = await db.query<RawRows>(
    `${HEAD}, (SELECT max(id) FROM conversations)::text AS last_id,
            array_agg((extract(epoch FROM "timestamp") * 1000)::float8::text) AS ts,
            array_agg(response_time_ms) AS rt, array_agg(status = 'failed') AS failed
       FROM conversations WHERE "timestamp" > now() - $1 * interval '1 second'`,
    [windowSeconds],
  );
  return columns(rows[0]!);
}

/**
 * Up to `limit` rows stored after `afterId`, by id, keeping those inside the window (a row can
 * arrive with an older event time); `lastId` is the last id read, kept or not.
 */
export async function getReplyWindowRowsAfter(
  db: Queryable,
  afterId: number,
  windowSeconds: number,
  limit: number,
): Promise<ReplyWindowRows & { read: number }> {
  const { rows } = await db.query<RawRows & { read: string }>(
    `${HEAD}, max(c.id)::text AS last_id, count(*)::text AS read,
            array_agg((extract(epoch FROM c."timestamp") * 1000)::float8::text) FILTER (WHERE c.inside) AS ts,
            array_agg(c.response_time_ms) FILTER (WHERE c.inside) AS rt,
            array_agg(c.status = 'failed') FILTER (WHERE c.inside) AS failed
       FROM (SELECT id, "timestamp", response_time_ms, status,
                    "timestamp" > now() - $2 * interval '1 second' AS inside
               FROM conversations
              WHERE id > $1 AND id <= 9223372036854775807
              ORDER BY id LIMIT $3) c`,
    [afterId, windowSeconds, limit],
  );
  const r = rows[0]!;
  const out = columns(r);
  return { ...out, lastId: r.last_id === null ? afterId : out.lastId, read: Number(r.read) };
}

/** Time of the newest stored user message (null: none yet). */
export async function getLastMessageAt(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ at: Date | null }>(`SELECT max("timestamp") AS at FROM conversations`);
  return rows[0]?.at ?? null;
}
