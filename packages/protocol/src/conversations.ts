import type { ConversationStatus } from './messages';

/**
 * The explorer's filter, as query parameters: the one vocabulary of `GET /api/conversations`, the
 * messages export, and every drill-down link of the dashboard (`/conversations?…`). `from`/`to`
 * are calendar dates in `tz` (both inclusive) or ISO instants (`to` exclusive), as in analytics;
 * `dow` (0 = Monday) and `hour` select a heatmap cell in `tz`.
 */
export interface ConversationFilterParams {
  from?: string;
  to?: string;
  tz?: string;
  q?: string;
  user_id?: string;
  status?: ConversationStatus;
  min_response_ms?: number;
  dow?: number;
  hour?: number;
}

export const CONVERSATION_FILTER_KEYS = [
  'from',
  'to',
  'tz',
  'q',
  'user_id',
  'status',
  'min_response_ms',
  'dow',
  'hour',
] as const satisfies ReadonlyArray<keyof ConversationFilterParams>;

export const CONVERSATION_STATUSES: ConversationStatus[] = ['replied', 'failed', 'not_sent'];

/** Query string of a filter (no leading `?`), keys in one order so equal filters give equal links. */
export function conversationFilterQuery(f: ConversationFilterParams): string {
  const p = new URLSearchParams();
  for (const k of CONVERSATION_FILTER_KEYS) {
    const v = f[k];
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  return p.toString();
}

/**
 * The words of a search: split on white space, at most 8, each matched as a substring of the
 * message or the reply, case-insensitively (all must match). Shared by the server (the SQL terms)
 * and the dashboard (the highlights), so both see the same words.
 */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return [...new Set(q.trim().split(/\s+/u).filter(Boolean))].slice(0, 8);
}

/** One row of `GET /api/conversations` and of a transcript. */
export interface ConversationItem {
  id: number;
  mid: string;
  user_id: string;
  user_name: string | null;
  message_text: string | null;
  reply_text: string | null;
  /** Meta's event time, ISO 8601 UTC (milliseconds) */
  timestamp: string;
  /** ms, webhook arrival → reply sent */
  response_time: number;
  status: ConversationStatus;
  error: string | null;
  instance_id: string;
  kind: string;
  /** true once retention removed the texts */
  text_deleted: boolean;
}

/** `GET /api/conversations`: newest first; `next_cursor` null on the last page. */
export interface ConversationsResponse {
  items: ConversationItem[];
  next_cursor: string | null;
}

/** `GET /api/users/:id` */
export interface UserProfileResponse {
  user_id: string;
  name: string | null;
  first_seen: string;
  last_seen: string;
  messages: number;
  failures: number;
  avg_response_time_ms: number | null;
}

/**
 * `GET /api/users/:id/conversations`: a page of the transcript, oldest first. `before` (older
 * page) and `after` (newer page) are cursors for the neighbouring pages, null at either end.
 */
export interface TranscriptResponse {
  user_id: string;
  items: ConversationItem[];
  before: string | null;
  after: string | null;
}
