import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type CsvError, type Options, parse } from 'csv-parse';
import { type MESSAGE_COLUMNS, unneutralise } from '../../../apps/admin/src/monitoring/export';
import type { BulkRow } from './load';

export type ExportFormat = 'csv' | 'json';

/** A row of the file that cannot be imported: where it starts and why. */
export interface BadRow {
  line: number;
  reason: string;
}

export type ExportRecord = { line: number; row: BulkRow } | { line: number; bad: string };

/** A problem with the whole file (not one of its rows): nothing can be read. */
export class ExportFileError extends Error {
  override name = 'ExportFileError';
}

/** The columns a row needs; the export's others (`id`: the source database's own) are not needed. */
const REQUIRED = [
  'mid',
  'timestamp',
  'user_id',
  'kind',
  'response_time_ms',
  'status',
  'instance_id',
] as const;
const KINDS = new Set(['text', 'attachment', 'postback', 'quick_reply']);
const STATUSES = new Set(['replied', 'not_sent', 'failed']);
/** ISO 8601 with a zone (the export writes the range's offset, or Z). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export function formatOf(file: string, flag?: string): ExportFormat {
  const f = flag ?? file.toLowerCase().match(/\.(csv|json)$/)?.[1];
  if (f === 'csv' || f === 'json') return f;
  if (flag !== undefined) throw new ExportFileError(`--format must be csv or json (got "${flag}")`);
  throw new ExportFileError(`cannot tell the format of "${file}" from its name: add --format csv|json`);
}

type Cells = Partial<Record<(typeof MESSAGE_COLUMNS)[number], unknown>>;

/** One exported row as a conversation to load, or why it cannot be one. */
export function toBulkRow(c: Cells): BulkRow | string {
  const text = (name: keyof Cells, required: boolean): string | null | Error => {
    const v = c[name];
    if (v === undefined || v === null || v === '') return required ? new Error(`${name} is empty`) : null;
    if (typeof v !== 'string') return new Error(`${name} is not a string`);
    return v;
  };
  const mid = text('mid', true);
  if (mid instanceof Error) return mid.message;
  const userId = text('user_id', true);
  if (userId instanceof Error) return userId.message;
  const stamp = text('timestamp', true);
  if (stamp instanceof Error) return stamp.message;
  const ts = ISO_INSTANT.test(stamp!) ? Date.parse(stamp!) : Number.NaN;
  if (!Number.isFinite(ts)) return `timestamp "${stamp}" is not an ISO 8601 instant with a zone`;
  const kind = text('kind', true);
  if (kind instanceof Error) return kind.message;
  if (!KINDS.has(kind!)) return `kind "${kind}" is not one of ${[...KINDS].join(', ')}`;
  const status = text('status', true);
  if (status instanceof Error) return status.message;
  if (!STATUSES.has(status!)) return `status "${status}" is not one of ${[...STATUSES].join(', ')}`;
  const instanceId = text('instance_id', true);
  if (instanceId instanceof Error) return instanceId.message;
  const rawRt = c.response_time_ms;
  const rt =
    typeof rawRt === 'number'
      ? rawRt
      : typeof rawRt === 'string' && rawRt.trim() !== ''
        ? Number(rawRt)
        : Number.NaN;
  if (!Number.isFinite(rt) || rt < 0) return `response_time_ms "${rawRt ?? ''}" is not a number ≥ 0`;
  const name = text('user_name', false);
  if (name instanceof Error) return name.message;
  const messageText = text('message_text', false);
  if (messageText instanceof Error) return messageText.message;
  const replyText = text('reply_text', false);
  if (replyText instanceof Error) return replyText.message;
  const genAi = genAiFields(c);
  if (typeof genAi === 'string') return genAi;
  // The export writes concat_ws(' ', first_name, last_name): the first word is the first name.
  const space = name === null ? -1 : name.indexOf(' ');
  return {
    mid: mid!,
    facebookId: userId!,
    firstName: name === null ? null : space < 0 ? name : name.slice(0, space),
    lastName: name === null || space < 0 ? null : name.slice(space + 1) || null,
    kind: kind!,
    messageText,
    replyText,
    ts,
    responseTimeMs: rt,
    generateMs: null,
    sendMs: null,
    status: status!,
    error: null,
    instanceId: instanceId!,
    ...genAi,
  };
}

type GenAiFields = Pick<
  BulkRow,
  | 'model'
  | 'modelVersion'
  | 'inputTokens'
  | 'cachedTokens'
  | 'outputTokens'
  | 'reasoningTokens'
  | 'finishReason'
  | 'blockReason'
  | 'costUsd'
  | 'priceVersion'
>;

/**
 * The stored Gemini fields of an exported row (empty, null or absent: null, as for a rule reply):
 * token counts whole numbers ≥ 0, the cost a number ≥ 0 (its decimal text kept as written).
 */
function genAiFields(c: Cells): GenAiFields | string {
  const out: Record<string, string | number | null> = {};
  const names = [
    ['model', 'model'],
    ['model_version', 'modelVersion'],
    ['finish_reason', 'finishReason'],
    ['block_reason', 'blockReason'],
    ['price_version', 'priceVersion'],
  ] as const;
  for (const [column, key] of names) {
    const v = c[column];
    if (v === undefined || v === null || v === '') out[key] = null;
    else if (typeof v !== 'string') return `${column} is not a string`;
    else out[key] = v;
  }
  const counts = [
    ['input_tokens', 'inputTokens'],
    ['cached_tokens', 'cachedTokens'],
    ['output_tokens', 'outputTokens'],
    ['reasoning_tokens', 'reasoningTokens'],
  ] as const;
  for (const [column, key] of counts) {
    const v = c[column];
    if (v === undefined || v === null || v === '') {
      out[key] = null;
      continue;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 0 || n > 2_147_483_647)
      return `${column} "${String(v)}" is not a whole number ≥ 0`;
    out[key] = n;
  }
  const cost = c.cost_usd;
  if (cost === undefined || cost === null || cost === '') out.costUsd = null;
  else {
    const n =
      typeof cost === 'number'
        ? cost
        : typeof cost === 'string' && /^\s*[0-9.eE+-]+\s*$/.test(cost)
          ? Number(cost)
          : Number.NaN;
    if (!Number.isFinite(n) || n < 0) return `cost_usd "${String(cost)}" is not a number ≥ 0`;
    out.costUsd = typeof cost === 'string' ? cost.trim() : n;
  }
  return out as unknown as GenAiFields;
}

/**
 * Reads a messages export (CSV or JSON, as `GET /api/monitoring/export` writes them) row by row:
 * each row a conversation to load, or the line it starts on and why it cannot be loaded.
 * `onBytes` follows how much of the file has been read (for progress).
 */
export async function* readExport(
  file: string,
  format: ExportFormat,
  onBytes: (bytes: number) => void = () => {},
): AsyncGenerator<ExportRecord> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
    onBytes(bytes);
  });
  if (format === 'csv') yield* readCsv(stream);
  else yield* readJson(stream);
}

/** Line breaks in a record's raw text (csv-parse leaves the delimiter's last character out of it). */
function breaks(raw: string | undefined): number {
  return ((raw ?? '') + '\n').match(/\r\n|\r|\n/g)!.length;
}

async function* readCsv(stream: NodeJS.ReadableStream): AsyncGenerator<ExportRecord> {
  // Lines are counted as the parser goes (a quoted field may hold line breaks), in its callbacks.
  let nextLine = 1;
  const skipped: { line: number; reason: string }[] = [];
  const parser = stream.pipe(
    parse({
      bom: true,
      raw: true,
      relax_column_count: true,
      skip_records_with_error: true,
      // With `raw`, a record comes as { record, raw }.
      on_record: (rec: unknown) => {
        const { record, raw } = rec as { record: string[]; raw: string };
        const line = nextLine;
        nextLine += breaks(raw);
        return { line, cells: record };
      },
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        skipped.push({ line: nextLine, reason: `not valid CSV: ${err?.message ?? 'unreadable'}` });
        nextLine += breaks(raw);
        return undefined;
      },
    } as unknown as Options),
  );
  let header: string[] | undefined;
  for await (const { line, cells: fields } of parser as AsyncIterable<{ line: number; cells: string[] }>) {
    while (skipped.length > 0 && skipped[0]!.line < line) {
      const s = skipped.shift()!;
      yield { line: s.line, bad: s.reason };
    }
    if (!header) {
      header = fields.map((h) => h.trim());
      const missing = REQUIRED.filter((c) => !header!.includes(c));
      if (missing.length > 0)
        throw new ExportFileError(
          `line ${line}: not a messages export: no column ${missing.join(', ')} (found: ${header.join(', ')})`,
        );
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    if (fields.length !== header.length) {
      yield { line, bad: `${fields.length} fields, the header has ${header.length}` };
      continue;
    }
    const cells: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) cells[header[i]!] = unneutralise(fields[i]!);
    const row = toBulkRow(cells);
    yield typeof row === 'string' ? { line, bad: row } : { line, row };
  }
  for (const s of skipped.splice(0)) yield { line: s.line, bad: s.reason };
  if (!header) throw new ExportFileError('the file is empty: no header row');
}

/** The export's JSON: `[`, one row object per line (`,` between them), `]`. */
async function* readJson(stream: NodeJS.ReadableStream): AsyncGenerator<ExportRecord> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let opened = false;
  let closed = false;
  for await (const raw of lines) {
    n++;
    const text = (n === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (text === '') continue;
    if (!opened) {
      if (text === '[]') {
        opened = closed = true;
        continue;
      }
      if (text !== '[')
        throw new ExportFileError(
          `line ${n}: not a messages export: a JSON array, one object per line, expected`,
        );
      opened = true;
      continue;
    }
    if (closed) {
      yield { line: n, bad: 'text after the closing ]' };
      continue;
    }
    if (text === ']') {
      closed = true;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text);
    } catch {
      yield { line: n, bad: 'not a JSON object (the export writes one per line)' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line: n, bad: 'not a JSON object' };
      continue;
    }
    const row = toBulkRow(value as Cells);
    yield typeof row === 'string' ? { line: n, bad: row } : { line: n, row };
  }
  if (!opened) throw new ExportFileError('the file is empty: a JSON array expected');
  if (!closed) yield { line: n, bad: 'the file ends before the closing ] (cut short?)' };
}
