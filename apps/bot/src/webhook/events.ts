import type { MessageKind } from '@botpulse/protocol';
import { z } from 'zod';
import { eventTime } from './event-time';

/** A user event from a webhook, ready for the inbox. */
export interface InboundEvent {
  dedupKey: string;
  senderId: string;
  /** the event time, epoch ms: Meta's timestamp, clamped to the receipt time (see eventTime) */
  timestampMs: number;
  /** Meta's timestamp when it was later than the receipt, else null */
  originalTimestampMs: number | null;
  /** more than a few minutes ahead of our clock */
  clockSkew: boolean;
  kind: MessageKind;
  /** the messaging event as Meta sent it */
  event: Record<string, unknown>;
}

export interface ParsedWebhook {
  events: InboundEvent[];
  /** events that are not user messages (echo, delivery, read, …) or malformed, by type */
  ignored: Record<string, number>;
}

const id = z.string().min(1).max(64);
const messaging = z.looseObject({
  sender: z.looseObject({ id }),
  recipient: z.looseObject({ id }).optional(),
  timestamp: z.number().int().nonnegative().optional(),
  message: z
    .looseObject({
      mid: z.string().min(1).max(512).optional(),
      text: z.string().max(100_000).optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.looseObject({ payload: z.string().optional() }).optional(),
      attachments: z.array(z.looseObject({ type: z.string().optional() })).optional(),
    })
    .optional(),
  postback: z
    .looseObject({
      mid: z.string().min(1).max(512).optional(),
      title: z.string().max(10_000).optional(),
      payload: z.string().max(10_000).optional(),
    })
    .optional(),
});

export const webhookBodySchema = z.object({
  object: z.string(),
  entry: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        time: z.number().optional(),
        messaging: z.array(z.unknown()).optional(),
      }),
    )
    .max(10_000),
});

/** The last instant PostgreSQL and an ISO string both hold without an expanded year: 9999-12-31. */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Levels of objects and arrays in an event: Meta's have about 6, jsonb refuses very many. */
const MAX_EVENT_DEPTH = 32;
/** What PostgreSQL cannot store in text or jsonb: NUL, and UTF-16 surrogates without their pair. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this finds
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

class TooDeep extends Error {}

/** `level`: how many objects and arrays contain `value`, plus one (the event itself is at 1). */
function storable(value: unknown, level: number): unknown {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\ufffd');
  if (value === null || typeof value !== 'object') return value;
  if (level > MAX_EVENT_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) return value.map((v) => storable(v, level + 1));
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(UNSTORABLE, '\ufffd'), storable(v, level + 1)]),
  );
}

/**
 * A copy of a messaging event that the database can store (jsonb in the inbox, text in
 * conversations): NUL characters and lone surrogates become U+FFFD. Undefined when it nests deeper
 * than any real event. One unstorable event must not fail the inbox write it shares with others.
 */
export function storableEvent(raw: unknown): unknown {
  try {
    return storable(raw, 1);
  } catch (err) {
    if (err instanceof TooDeep) return undefined;
    throw err;
  }
}

function bump(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Picks the user messages out of a webhook body: a `message` that is not an echo (text or
 * attachments) or a `postback`. Deliveries, reads, echoes and malformed events are counted, not
 * stored. A malformed event does not sink the batch (Meta would retry it forever).
 */
export function extractUserEvents(
  body: z.infer<typeof webhookBodySchema>,
  receivedMs: number = Date.now(),
): ParsedWebhook {
  const events: InboundEvent[] = [];
  const ignored: Record<string, number> = {};
  for (const entry of body.entry) {
    for (const received of entry.messaging ?? []) {
      const raw = storableEvent(received);
      const parsed = messaging.safeParse(raw);
      if (!parsed.success) {
        bump(ignored, 'malformed');
        continue;
      }
      const ev = parsed.data;
      const sentMs = ev.timestamp ?? entry.time ?? receivedMs;
      if (!(sentMs >= 0 && sentMs <= MAX_TIME_MS)) {
        bump(ignored, 'malformed');
        continue;
      }
      const time = eventTime(sentMs, receivedMs);
      const timing = {
        timestampMs: time.timestampMs,
        originalTimestampMs: time.originalMs,
        clockSkew: time.skewed,
      };
      if (ev.message) {
        if (ev.message.is_echo) {
          bump(ignored, 'echo');
          continue;
        }
        if (!ev.message.mid || (ev.message.text === undefined && !ev.message.attachments?.length)) {
          bump(ignored, 'malformed');
          continue;
        }
        const kind = kindOf(ev);
        events.push({
          dedupKey: ev.message.mid,
          senderId: ev.sender.id,
          ...timing,
          kind,
          event: raw as Record<string, unknown>,
        });
      } else if (ev.postback) {
        events.push({
          // Meta's own timestamp: its retries carry the same one.
          dedupKey: ev.postback.mid ?? `pb:${ev.sender.id}:${sentMs}`,
          senderId: ev.sender.id,
          ...timing,
          kind: 'postback',
          event: raw as Record<string, unknown>,
        });
      } else {
        const type = ['delivery', 'read', 'reaction', 'referral', 'optin'].find((k) => k in (raw as object));
        bump(ignored, type ?? 'other');
      }
    }
  }
  return { events, ignored };
}

/** The kind of a stored user event (intake and inbox recovery label it the same way). */
export function kindOf(event: Record<string, unknown>): MessageKind {
  const ev = event as { message?: { quick_reply?: unknown; text?: unknown }; postback?: unknown };
  if (ev.message) {
    if (ev.message.quick_reply) return 'quick_reply';
    return ev.message.text !== undefined ? 'text' : 'attachment';
  }
  return ev.postback ? 'postback' : 'attachment';
}

/** The text we keep for a user message: its text, the postback title, or a note of the attachments. */
export function messageText(event: Record<string, unknown>): string {
  const ev = event as {
    message?: { text?: string; attachments?: Array<{ type?: string }> };
    postback?: { title?: string; payload?: string };
  };
  if (ev.message?.text !== undefined) return ev.message.text;
  if (ev.postback) return ev.postback.title ?? ev.postback.payload ?? '';
  const types = (ev.message?.attachments ?? []).map((a) => a.type ?? 'file');
  return `[${types.join(', ') || 'attachment'}]`;
}
