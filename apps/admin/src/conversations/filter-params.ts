import type { ConversationFilter, ConversationKey } from '@botpulse/db';
import { CONVERSATION_STATUSES, type ConversationStatus, searchTerms } from '@botpulse/protocol';
import { type AnalyticsRange, ParamError, parseRange } from '../analytics/params';

type Query = Record<string, unknown>;

const PSID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_Q = 200;

function single(q: Query, name: string, max = 100): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ParamError(name, `${name} must be given once`);
  if (v.length > max) throw new ParamError(name, `${name} is too long (at most ${max} characters)`);
  return v.trim() === '' ? undefined : v.trim();
}

function wholeNumber(q: Query, name: string, min: number, max: number): number | undefined {
  const raw = single(q, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    throw new ParamError(name, `${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseUserId(value: string, name = 'user_id'): string {
  if (!PSID.test(value)) throw new ParamError(name, `${name} must be a Messenger user id (PSID)`);
  return value;
}

/**
 * The explorer's filter from query parameters (also the messages export's): the range as
 * analytics read it (from/to/tz, same defaults), q, user_id, status, min_response_ms, dow + hour.
 */
export function parseConversationFilter(q: Query): { filter: ConversationFilter; range: AnalyticsRange } {
  const range = parseRange(q);
  const text = single(q, 'q', MAX_Q);
  if (text !== undefined && text.includes('\u0000'))
    throw new ParamError('q', 'q must not contain NUL characters');
  const userId = single(q, 'user_id');
  const status = single(q, 'status');
  if (status !== undefined && !CONVERSATION_STATUSES.includes(status as ConversationStatus)) {
    throw new ParamError('status', `status: "${status}" is not one of ${CONVERSATION_STATUSES.join(', ')}`);
  }
  const minRaw = single(q, 'min_response_ms');
  let minResponseMs: number | undefined;
  if (minRaw !== undefined) {
    minResponseMs = Number(minRaw);
    if (!/^\d+(\.\d+)?$/.test(minRaw) || !Number.isFinite(minResponseMs) || minResponseMs > 86_400_000)
      throw new ParamError(
        'min_response_ms',
        'min_response_ms must be a number of milliseconds from 0 to 86400000',
      );
  }
  const dow = wholeNumber(q, 'dow', 0, 6);
  const hour = wholeNumber(q, 'hour', 0, 23);
  if (hour !== undefined && dow === undefined)
    throw new ParamError('hour', 'hour selects a heatmap cell and needs dow (0 = Monday … 6 = Sunday)');
  const filter: ConversationFilter = {
    start: range.start.toJSDate(),
    end: range.end.toJSDate(),
    tz: range.tz,
    terms: searchTerms(text),
    ...(userId !== undefined ? { userId: parseUserId(userId) } : {}),
    ...(status !== undefined ? { status: status as ConversationStatus } : {}),
    ...(minResponseMs !== undefined ? { minResponseMs } : {}),
    ...(dow !== undefined ? { dow } : {}),
    ...(hour !== undefined ? { hour } : {}),
  };
  return { filter, range };
}

export function parseLimit(q: Query, fallback: number, max: number): number {
  return wholeNumber(q, 'limit', 1, max) ?? fallback;
}

/** An opaque cursor: base64url of "<µs since 1970>.<id>" (the row's place in (timestamp, id) order). */
export function encodeCursor(key: ConversationKey): string {
  return Buffer.from(`${key.tsUs}.${key.id}`).toString('base64url');
}

export function decodeCursor(q: Query, name: string): ConversationKey | undefined {
  const raw = single(q, name, 200);
  if (raw === undefined) return undefined;
  const text = /^[A-Za-z0-9_-]+$/.test(raw) ? Buffer.from(raw, 'base64url').toString() : '';
  const m = /^(-?\d{1,17})\.(\d{1,18})$/.exec(text);
  const tsUs = m ? Number(m[1]) : Number.NaN;
  const id = m ? Number(m[2]) : Number.NaN;
  if (!Number.isSafeInteger(tsUs) || !Number.isSafeInteger(id))
    throw new ParamError(name, `${name} is not a cursor this API returned`);
  return { tsUs, id };
}
