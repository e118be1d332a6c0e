import { GEN_AI_FIELDS } from '@botpulse/protocol';

// The staging format of the bulk loader: its columns and types, COPY's text encoding, and the
// one statement that moves staged rows into `users` and `conversations`.

/**
 * One conversation to load in bulk: the stored fields of a `conversations` row, plus the user's
 * name (the `users` row is created or completed from it, as the bot does from a profile).
 */
export interface BulkRow {
  mid: string;
  facebookId: string;
  firstName: string | null;
  lastName: string | null;
  kind: string;
  messageText: string | null;
  replyText: string | null;
  /** Meta's event time, ms since the epoch */
  ts: number;
  responseTimeMs: number;
  generateMs: number | null;
  sendMs: number | null;
  status: string;
  error: string | null;
  instanceId: string;
  /** Gemini usage and cost (DESIGN.md "Gemini usage and cost"; all null for a rule reply) */
  model: string | null;
  modelVersion: string | null;
  inputTokens: number | null;
  cachedTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  finishReason: string | null;
  blockReason: string | null;
  /** USD, as a number or its decimal text (an export's text is kept exactly) */
  costUsd: number | string | null;
  priceVersion: string | null;
}

/** The staged columns, in the order of COPY and of the unnest() arrays. */
export const COLUMNS = [
  'n',
  'mid',
  'facebook_id',
  'first_name',
  'last_name',
  'kind',
  'message_text',
  'reply_text',
  'ts',
  'rt',
  'gen',
  'send',
  'status',
  'error',
  'instance_id',
  ...GEN_AI_FIELDS,
] as const;
export const TYPES = [
  'int',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'float8',
  'float8',
  'float8',
  'float8',
  'text',
  'text',
  'text',
  'text',
  'text',
  'int',
  'int',
  'int',
  'int',
  'text',
  'text',
  'numeric',
  'text',
] as const;

export const STAGING = 'botpulse_bulk_staging';

/** Rebuild mode: what the chunks said of each user, one row per user and chunk (a temporary table). */
export const BULK_USERS = 'botpulse_bulk_users';

/** Each user of the chunk once: names from the chunk, first/last seen its min/max (ms). */
const CHUNK_USERS = `us AS MATERIALIZED (
       SELECT facebook_id, (array_agg(first_name) FILTER (WHERE first_name IS NOT NULL))[1] AS first_name,
              (array_agg(last_name) FILTER (WHERE last_name IS NOT NULL))[1] AS last_name,
              min(ts) AS first_ts, max(ts) AS last_ts
         FROM s GROUP BY facebook_id
     )`;

/** The chunk's users as users rows. */
const INSERT_CHUNK_USERS = `INSERT INTO users AS t (facebook_id, first_name, last_name, profile_pic, profile_fetched_at,
                               first_seen, last_interaction)
       SELECT facebook_id, first_name, last_name, NULL,
              CASE WHEN first_name IS NOT NULL OR last_name IS NOT NULL THEN now() END,
              to_timestamp(first_ts / 1000.0), to_timestamp(last_ts / 1000.0)
         FROM us ORDER BY facebook_id`;

/** Users created or completed, chunk by chunk (first/last seen widened; a stored name is kept). */
const UPSERT_USERS = `${CHUNK_USERS},
     u AS (
       ${INSERT_CHUNK_USERS}
       ON CONFLICT (facebook_id) DO UPDATE SET
         first_name = coalesce(t.first_name, EXCLUDED.first_name),
         last_name = coalesce(t.last_name, EXCLUDED.last_name),
         profile_fetched_at = coalesce(t.profile_fetched_at, EXCLUDED.profile_fetched_at),
         first_seen = least(t.first_seen, EXCLUDED.first_seen),
         last_interaction = greatest(t.last_interaction, EXCLUDED.last_interaction)
       RETURNING (xmax = 0) AS inserted
     )`;

/**
 * Rebuild mode (the whole load one transaction): a user updated in every chunk would leave a
 * version of its row, and an entry in each of the users' indexes, per chunk, none of them reclaimable
 * before the commit, so every later conflict check walks them all (a 10M load slowed from 20,000 to
 * 6,000 rows/s). New users are created here; what the chunks say of every user is kept in
 * BULK_USERS and applied once, in finish() (FINISH_USERS).
 */
const DEFERRED_USERS = `${CHUNK_USERS},
     u AS (
       ${INSERT_CHUNK_USERS}
       ON CONFLICT (facebook_id) DO NOTHING
       RETURNING true AS inserted
     ),
     seen AS (
       INSERT INTO ${BULK_USERS} (facebook_id, first_name, last_name, first_ts, last_ts)
       SELECT facebook_id, first_name, last_name, first_ts, last_ts FROM us
     )`;

export const CREATE_BULK_USERS = `CREATE TEMP TABLE ${BULK_USERS} (facebook_id text, first_name text, last_name text,
  first_ts float8, last_ts float8) ON COMMIT DROP`;

/** Rebuild mode, at the end: each user's row completed and widened once (see DEFERRED_USERS). */
export const FINISH_USERS = `UPDATE users AS t SET
       first_name = coalesce(t.first_name, a.first_name),
       last_name = coalesce(t.last_name, a.last_name),
       profile_fetched_at = coalesce(t.profile_fetched_at, a.fetched_at),
       first_seen = least(t.first_seen, a.first_seen),
       last_interaction = greatest(t.last_interaction, a.last_interaction)
  FROM (SELECT facebook_id, (array_agg(first_name) FILTER (WHERE first_name IS NOT NULL))[1] AS first_name,
               (array_agg(last_name) FILTER (WHERE last_name IS NOT NULL))[1] AS last_name,
               CASE WHEN bool_or(first_name IS NOT NULL OR last_name IS NOT NULL) THEN now() END AS fetched_at,
               to_timestamp(min(first_ts) / 1000.0) AS first_seen, to_timestamp(max(last_ts) / 1000.0) AS last_interaction
          FROM ${BULK_USERS} GROUP BY facebook_id) a
 WHERE t.facebook_id = a.facebook_id
   AND (t.first_name IS NULL AND a.first_name IS NOT NULL OR t.last_name IS NULL AND a.last_name IS NOT NULL
        OR t.profile_fetched_at IS NULL AND a.fetched_at IS NOT NULL
        OR a.first_seen < t.first_seen OR a.last_interaction > t.last_interaction)`;

/**
 * From the staged rows `s` to the tables, in one statement (one snapshot, as store_conversations()
 * does): users created or completed (first/last seen widened; a stored name is kept), then the
 * conversations in time order, a `mid` already stored skipped. The feed lock is taken first, as
 * every writer of conversations does, so ids grow in commit order.
 */
export function moveSql(source: string, deferUsers = false): string {
  return `WITH s AS MATERIALIZED (${source}),
     ${deferUsers ? DEFERRED_USERS : UPSERT_USERS},
     c AS (
       INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                  processed_at, response_time_ms, generate_ms, send_ms, status, error, instance_id,
                                 model, model_version, input_tokens, cached_tokens, output_tokens, reasoning_tokens,
                                 finish_reason, block_reason, cost_usd, price_version)
       SELECT mid, facebook_id, kind, message_text, reply_text, to_timestamp(ts / 1000.0),
              to_timestamp(ts / 1000.0), to_timestamp((ts + rt) / 1000.0), rt, gen, send, status, error, instance_id,
              model, model_version, input_tokens, cached_tokens, output_tokens, reasoning_tokens,
              finish_reason, block_reason, cost_usd, price_version
         FROM s ORDER BY ts, n
       ON CONFLICT (mid) DO NOTHING
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM c) AS inserted, (SELECT count(*) FILTER (WHERE inserted) FROM u) AS new_users`;
}

export const COPY_SOURCE = `SELECT ${COLUMNS.join(', ')} FROM ${STAGING}`;
/** COPY into the staging table, the columns in order. */
export const COPY_IN = `COPY ${STAGING} (${COLUMNS.join(', ')}) FROM STDIN`;
export const UNNEST_SOURCE = `SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS x(${COLUMNS.join(', ')})`;

/** COPY text format: backslash, tab, line breaks escaped; NULL as \N. */
export function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : v;
}
export function copyNumber(v: number | string | null): string {
  return v === null ? '\\N' : String(v);
}

/** True when the server refused COPY FROM STDIN (the embedded database does, SQLSTATE 0A000). */
export function isCopyRefused(err: unknown): boolean {
  return (err as { code?: string }).code === '0A000';
}

/** A chunk as COPY text for STAGING (COPY_IN), in pieces of about 1 MB; `n` is the row's place. */
export async function* copyLines(rows: readonly BulkRow[]): AsyncGenerator<string> {
  let buf = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    buf += `${i}\t${copyText(r.mid)}\t${copyText(r.facebookId)}\t${copyText(r.firstName)}\t${copyText(r.lastName)}\t${copyText(r.kind)}\t${copyText(r.messageText)}\t${copyText(r.replyText)}\t${r.ts}\t${r.responseTimeMs}\t${copyNumber(r.generateMs)}\t${copyNumber(r.sendMs)}\t${copyText(r.status)}\t${copyText(r.error)}\t${copyText(r.instanceId)}\t${copyText(r.model)}\t${copyText(r.modelVersion)}\t${copyNumber(r.inputTokens)}\t${copyNumber(r.cachedTokens)}\t${copyNumber(r.outputTokens)}\t${copyNumber(r.reasoningTokens)}\t${copyText(r.finishReason)}\t${copyText(r.blockReason)}\t${copyNumber(r.costUsd)}\t${copyText(r.priceVersion)}\n`;
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** A chunk as UNNEST_SOURCE's parameters: one array per column, in COLUMNS' order. */
export function unnestParams(rows: readonly BulkRow[]): unknown[][] {
  return [
    rows.map((_, i) => i),
    rows.map((r) => r.mid),
    rows.map((r) => r.facebookId),
    rows.map((r) => r.firstName),
    rows.map((r) => r.lastName),
    rows.map((r) => r.kind),
    rows.map((r) => r.messageText),
    rows.map((r) => r.replyText),
    rows.map((r) => r.ts),
    rows.map((r) => r.responseTimeMs),
    rows.map((r) => r.generateMs),
    rows.map((r) => r.sendMs),
    rows.map((r) => r.status),
    rows.map((r) => r.error),
    rows.map((r) => r.instanceId),
    rows.map((r) => r.model),
    rows.map((r) => r.modelVersion),
    rows.map((r) => r.inputTokens),
    rows.map((r) => r.cachedTokens),
    rows.map((r) => r.outputTokens),
    rows.map((r) => r.reasoningTokens),
    rows.map((r) => r.finishReason),
    rows.map((r) => r.blockReason),
    rows.map((r) => (r.costUsd === null ? null : String(r.costUsd))),
    rows.map((r) => r.priceVersion),
  ];
}
