import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entry, newMid, textMessage, type WebhookBody, webhookBody } from '@botpulse/tools/messenger';
import { ROOT, type Stack } from '@botpulse/tools/testing';

/** A Messenger fixture's raw bytes, posted (and signed) verbatim. */
export function fixtureText(name: string): string {
  return readFileSync(join(ROOT, 'tools/fixtures/messenger', name), 'utf8');
}

/** A fresh PSID (digits only, as Meta's, so the fake User Profile API serves it). */
export function newPsid(): string {
  return `659${String(randomInt(0, 1e12)).padStart(13, '0')}`;
}

/** A webhook body with one text message from `psid`, and its mid. */
export function textBody(
  psid: string,
  text: string,
  options: { mid?: string; timestamp?: number } = {},
): { body: WebhookBody; mid: string } {
  const mid = options.mid ?? newMid();
  const event = textMessage({ psid, text, mid, timestamp: options.timestamp ?? Date.now() });
  return { body: webhookBody([entry(event.recipient.id, [event])]), mid };
}

/** Posts one text message (signed) and checks the bot acknowledged it; returns its mid. */
export async function postText(
  stack: Stack,
  psid: string,
  text: string,
  timestamp?: number,
): Promise<string> {
  const { body, mid } = textBody(psid, text, { timestamp });
  const res = await stack.post(body);
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
  return mid;
}

export interface ConversationRow {
  id: number;
  mid: string;
  facebook_id: string;
  kind: string;
  message_text: string | null;
  reply_text: string | null;
  timestamp: Date;
  response_time_ms: number;
  status: 'replied' | 'not_sent' | 'failed';
  error: string | null;
  instance_id: string;
}

export interface UserRow {
  facebook_id: string;
  first_name: string | null;
  last_name: string | null;
}

export async function conversations(stack: Stack, mids?: string[]): Promise<ConversationRow[]> {
  const { rows } = await stack.db.query<ConversationRow>(
    `SELECT id, mid, facebook_id, kind, message_text, reply_text, "timestamp", response_time_ms, status,
            error, instance_id
       FROM conversations WHERE ($1::text[] IS NULL OR mid = ANY ($1::text[])) ORDER BY id`,
    [mids ?? null],
  );
  return rows;
}

/** Waits until every mid has its conversation row; returns the rows in `mids` order. */
export async function waitForConversations(
  stack: Stack,
  mids: string[],
  timeoutMs = 30_000,
): Promise<ConversationRow[]> {
  return stack.waitFor(
    async () => {
      const rows = await conversations(stack, mids);
      if (rows.length < new Set(mids).size) return undefined;
      const byMid = new Map(rows.map((r) => [r.mid, r]));
      return mids.map((m) => byMid.get(m)!);
    },
    `conversation rows for ${mids.length} message(s)`,
    timeoutMs,
  );
}

export async function users(stack: Stack, psids: string[]): Promise<Map<string, UserRow>> {
  const { rows } = await stack.db.query<UserRow>(
    `SELECT facebook_id, first_name, last_name FROM users WHERE facebook_id = ANY ($1::text[])`,
    [psids],
  );
  return new Map(rows.map((r) => [r.facebook_id, r]));
}

export async function countRows(stack: Stack, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** Acknowledged events not answered yet (all of them are processed once this is 0). */
export function unprocessedInbox(stack: Stack): Promise<number> {
  return countRows(stack, `SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL`);
}

/** GET a bot endpoint with the debug token (any status). */
export function debugFetch(stack: Stack, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(stack.bots[0]!.url + path, {
    ...init,
    headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}`, ...init.headers },
  });
}

/** The Send API texts the fake Graph API accepted for one user, in arrival order. */
export function sentTo(
  stack: Stack,
  psid: string,
): Array<{ text: string | null; messagingType: string | null }> {
  return stack
    .graph!.sent()
    .filter((s) => s.recipientId === psid)
    .map((s) => ({ text: s.text, messagingType: s.messagingType }));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function mapConcurrent<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
