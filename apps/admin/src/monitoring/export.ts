import {
  type ConversationFilter,
  type ConversationKey,
  type Db,
  getConversationsPage,
  getMetricsPage,
} from '@botpulse/db';
import { GEN_AI_FIELDS } from '@botpulse/protocol';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { type AnalyticsRange, ParamError, parseRange } from '../analytics/params';
import { parseConversationFilter } from '../conversations/filter-params';

const PAGE = 2_000;

export type ExportFormat = 'csv' | 'json';
export type ExportType = 'messages' | 'metrics';

export interface ExportRequest {
  format: ExportFormat;
  type: ExportType;
  range: AnalyticsRange;
  /** messages: the explorer's filter (the same parameters select the same rows) */
  filter: ConversationFilter | null;
  filename: string;
}

/**
 * A cell a spreadsheet could run as a formula (OWASP "CSV injection"): one starting with a tab or
 * a line break, or whose first character after any leading whitespace or invisible characters
 * (spaces, U+00A0, U+3000, zero-width, bidi and other format characters, fillers…) is `= + - @`
 * or a full-width or small form of them.
 */
const FORMULA_START =
  /^(?:[\t\r\n]|[\s\p{Cf}\p{Cc}\u115f\u1160\u180e\u3164\uffa0\u2800]*(?:\u034f[\s\p{Cf}]*)*[=+\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b])/u;

/** Cells a spreadsheet would run as a formula get a leading apostrophe. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * What `neutralise` undoes when a CSV export is read back (`npm run import`): the apostrophe
 * before a cell that would start a formula. (A stored text that itself began with an apostrophe
 * before such a trigger reads back without it: CSV cannot tell the two apart; JSON is exact.)
 */
export function unneutralise(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export function parseExportRequest(q: Record<string, unknown>): ExportRequest {
  const format = (q.format ?? 'csv') as string;
  if (format !== 'csv' && format !== 'json')
    throw new ParamError('format', `format: "${format}" is not one of csv, json`);
  const type = (q.type ?? 'messages') as string;
  if (type !== 'messages' && type !== 'metrics')
    throw new ParamError('type', `type: "${type}" is not one of messages, metrics`);
  const parsed = type === 'messages' ? parseConversationFilter(q) : null;
  const range = parsed?.range ?? parseRange(q);
  const stamp = (s: string) => s.replace(/[:]/g, '').replace(/[^0-9A-Za-z.+-]/g, '_');
  const filename = `botpulse-${type}-${stamp(range.from)}_to_${stamp(range.to)}-${range.tz.replace(/\//g, '_')}.${format}`;
  return { format, type, range, filter: parsed?.filter ?? null, filename };
}

/** Columns of a messages export, in order (`mid`, Meta's message id, is the key `npm run import` dedupes on). */
export const MESSAGE_COLUMNS = [
  'id',
  'timestamp',
  'user_id',
  'user_name',
  'kind',
  'message_text',
  'reply_text',
  'response_time_ms',
  'status',
  'instance_id',
  ...GEN_AI_FIELDS,
  'mid',
] as const;

const METRIC_COLUMNS = [
  'timestamp',
  'metric_type',
  'instance_id',
  'messages_total',
  'messages_last_hour',
  'messages_last_24h',
  'avg_response_time_ms',
  'p95_response_time_ms',
  'failed_total',
  'users_total',
  'users_active_today',
  'users_active_this_week',
  'memory_mb',
  'cpu_percent',
  'database_connections',
] as const;

type Row = Record<string, string | number | null>;

/**
 * CRLF between records (RFC 4180). With an explicit record delimiter csv-stringify quotes only
 * fields containing that delimiter, so `quote_record_delimiter` is needed for a lone CR or LF in
 * a message: unquoted, it would split the record in every spreadsheet.
 */
const CSV_OPTIONS = { record_delimiter: 'windows', quote_record_delimiter: true } as const;

async function* messageRows(db: Db, req: ExportRequest): AsyncGenerator<Row[]> {
  const filter = req.filter!;
  let after: ConversationKey | null = null;
  for (;;) {
    const page = await getConversationsPage(db, filter, after, PAGE);
    if (page.length === 0) return;
    yield page.map((r) => ({
      id: r.id,
      timestamp: DateTime.fromJSDate(r.timestamp, { zone: req.range.tz }).toISO()!,
      user_id: r.user_id,
      user_name: r.user_name,
      kind: r.kind,
      message_text: r.message_text,
      reply_text: r.reply_text,
      response_time_ms: r.response_time_ms,
      status: r.status,
      instance_id: r.instance_id,
      model: r.model,
      model_version: r.model_version,
      input_tokens: r.input_tokens,
      cached_tokens: r.cached_tokens,
      output_tokens: r.output_tokens,
      reasoning_tokens: r.reasoning_tokens,
      finish_reason: r.finish_reason,
      block_reason: r.block_reason,
      cost_usd: r.cost_usd,
      price_version: r.price_version,
      mid: r.mid,
    }));
    const last = page.at(-1)!;
    after = { tsUs: last.ts_us, id: last.id };
    if (page.length < PAGE) return;
  }
}

async function* metricRows(db: Db, req: ExportRequest): AsyncGenerator<Row[]> {
  const range = { start: req.range.start.toJSDate(), end: req.range.end.toJSDate() };
  let afterId = 0;
  for (;;) {
    const page = await getMetricsPage(db, range, afterId, PAGE);
    if (page.length === 0) return;
    yield page.map((r) => {
      const v = r.metric_value as {
        messages?: Record<string, number>;
        users?: Record<string, number>;
        system?: Record<string, number>;
      };
      return {
        timestamp: DateTime.fromJSDate(r.timestamp, { zone: req.range.tz }).toISO()!,
        metric_type: r.metric_type,
        instance_id: r.instance_id,
        messages_total: v.messages?.total ?? null,
        messages_last_hour: v.messages?.last_hour ?? null,
        messages_last_24h: v.messages?.last_24h ?? null,
        avg_response_time_ms: v.messages?.avg_response_time ?? null,
        p95_response_time_ms: v.messages?.p95_response_time ?? null,
        failed_total: v.messages?.failed_total ?? null,
        users_total: v.users?.total ?? null,
        users_active_today: v.users?.active_today ?? null,
        users_active_this_week: v.users?.active_this_week ?? null,
        memory_mb: v.system?.memory_mb ?? null,
        cpu_percent: v.system?.cpu_percent ?? null,
        database_connections: v.system?.database_connections ?? null,
      };
    });
    afterId = page.at(-1)!.id;
    if (page.length < PAGE) return;
  }
}

/**
 * The export as text chunks, a page of rows at a time (constant memory for any size): CSV per
 * RFC 4180 with a header row and neutralised formulas, or one JSON array of row objects.
 */
export async function* exportChunks(db: Db, req: ExportRequest): AsyncGenerator<string> {
  const columns = req.type === 'messages' ? MESSAGE_COLUMNS : METRIC_COLUMNS;
  const pages = req.type === 'messages' ? messageRows(db, req) : metricRows(db, req);
  if (req.format === 'csv') {
    yield stringify([columns as unknown as string[]], CSV_OPTIONS);
    for await (const rows of pages) {
      const cells = rows.map((r) =>
        columns.map((c) => {
          const v = r[c];
          if (v === null || v === undefined) return '';
          return typeof v === 'string' ? neutralise(v) : String(v);
        }),
      );
      yield stringify(cells, CSV_OPTIONS);
    }
    return;
  }
  let first = true;
  yield '[';
  for await (const rows of pages) {
    const body = rows.map((r) => JSON.stringify(r)).join(',\n');
    yield (first ? '\n' : ',\n') + body;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
