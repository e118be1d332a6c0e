import type { MessageKind } from '@botpulse/protocol';
import { z } from 'zod';

/** A user event from a webhook, ready for the inbox. */
export interface InboundEvent {
  dedupKey: string;
  senderId: string;
  /** Meta's event time, epoch ms */
  timestampMs: number;
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

function bump(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Picks the user messages out of a webhook body: a `message` that is not an echo (text or
 * attachments) or a `postback`. Deliveries, reads, echoes and malformed events are counted, not
 * stored. A malformed event does not sink the batch (Meta would retry it forever).
 */
export function extractUserEvents(body: z.infer<typeof webhookBodySchema>): ParsedWebhook {
  const events: InboundEvent[] = [];
  const ignored: Record<string, number> = {};
  for (const entry of body.entry) {
    for (const raw of entry.messaging ?? []) {
      const parsed = messaging.safeParse(raw);
      if (!parsed.success) {
        bump(ignored, 'malformed');
        continue;
      }
      const ev = parsed.data;
      const timestampMs = ev.timestamp ?? entry.time ?? Date.now();
      if (ev.message) {
        if (ev.message.is_echo) {
          bump(ignored, 'echo');
          continue;
        }
        if (!ev.message.mid || (ev.message.text === undefined && !ev.message.attachments?.length)) {
          bump(ignored, 'malformed');
          continue;
        }
        const kind: MessageKind = ev.message.quick_reply
          ? 'quick_reply'
          : ev.message.text !== undefined
            ? 'text'
            : 'attachment';
        events.push({
          dedupKey: ev.message.mid,
          senderId: ev.sender.id,
          timestampMs,
          kind,
          event: raw as Record<string, unknown>,
        });
      } else if (ev.postback) {
        events.push({
          dedupKey: ev.postback.mid ?? `pb:${ev.sender.id}:${timestampMs}`,
          senderId: ev.sender.id,
          timestampMs,
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
