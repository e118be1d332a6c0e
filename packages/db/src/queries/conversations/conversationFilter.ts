import type { ConversationStatus } from '@botpulse/protocol';

/**
 * Which conversations a view is about: the one definition shared by the explorer, the messages
 * export and the analytics counts a drill-down opens (a heatmap cell is `localDow`/`localHour`
 * below, in the heatmap query too), so a count and the rows behind it cannot drift apart.
 */
export interface ConversationFilter {
  /** [start, end) over Meta's event time */
  start: Date;
  end: Date;
  /** zone of dow/hour */
  tz: string;
  /** words, each a case-insensitive substring of the message or the reply (all must match) */
  terms: string[];
  userId?: string;
  status?: ConversationStatus;
  minResponseMs?: number;
  /** 0 = Monday … 6 = Sunday, in tz */
  dow?: number;
  /** 0 … 23, in tz */
  hour?: number;
}

/** Local day of week of an instant in a zone, 0 = Monday (SQL). */
export function localDow(instant: string, tz: string): string {
  return `(extract(isodow FROM ${instant} AT TIME ZONE ${tz})::int - 1)`;
}

/** Local hour of an instant in a zone (SQL). */
export function localHour(instant: string, tz: string): string {
  return `extract(hour FROM ${instant} AT TIME ZONE ${tz})::int`;
}

/** `LIKE` pattern matching `term` anywhere, its own `%`, `_` and `\` taken literally. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/**
 * The filter as SQL conditions on `conversations c`, its values appended to `params` (never
 * interpolated). The search uses the expression of idx_conversations_search (migration 010), lower
 * case taken by the database on both sides so the index and the query agree in every script.
 */
export function conversationConditions(f: ConversationFilter, params: unknown[]): string[] {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`c."timestamp" >= ${p(f.start)}::timestamptz`, `c."timestamp" < ${p(f.end)}::timestamptz`];
  for (const term of f.terms) {
    where.push(
      `conversation_search_text(c.message_text, c.reply_text) LIKE lower(${p(containsPattern(term))}::text)`,
    );
  }
  if (f.userId !== undefined) where.push(`c.facebook_id = ${p(f.userId)}`);
  if (f.status !== undefined) where.push(`c.status = ${p(f.status)}`);
  if (f.minResponseMs !== undefined) where.push(`c.response_time_ms >= ${p(f.minResponseMs)}::float8`);
  if (f.dow !== undefined || f.hour !== undefined) {
    const tz = p(f.tz);
    if (f.dow !== undefined) where.push(`${localDow('c."timestamp"', `${tz}::text`)} = ${p(f.dow)}::int`);
    if (f.hour !== undefined) where.push(`${localHour('c."timestamp"', `${tz}::text`)} = ${p(f.hour)}::int`);
  }
  return where;
}

/** Position of a row in (timestamp, id) order; the timestamp in whole µs since 1970 (exact). */
export interface ConversationKey {
  tsUs: number;
  id: number;
}

/** The SQL instant of a key's µs count (exact: no float seconds in between). */
export function keyInstant(param: string): string {
  return `(TIMESTAMPTZ 'epoch' + (${param}::bigint / 1000000) * interval '1 second' + (${param}::bigint % 1000000) * interval '1 microsecond')`;
}

/** Columns of a ConversationItem (plus `ts_us`, the paging key) over `conversations c JOIN users u`. */
export const ITEM_COLUMNS = `c.id, c.mid, c.facebook_id AS user_id,
            nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name,
            c.message_text, c.reply_text,
            to_char(c."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp",
            c.response_time_ms AS response_time, c.status, c.error, c.instance_id, c.kind, c.text_deleted,
            (extract(epoch FROM c."timestamp") * 1000000)::bigint AS ts_us`;
