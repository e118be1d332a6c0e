import type { MessageKind } from '@botpulse/protocol';

/** One stored user event on its way to an answer. */
export interface ReplyJob {
  inboxId: number;
  dedupKey: string;
  senderId: string;
  /** the event time (Meta's, clamped to the receipt: see webhook/event-time.ts) */
  timestampMs: number;
  /** Meta's timestamp when it was later than the receipt, else null */
  originalTimestampMs: number | null;
  kind: MessageKind;
  event: Record<string, unknown>;
  /** when the webhook received it (wall clock) */
  receivedAtMs: number;
  /** performance.now() at receipt, for a precise response time; absent after a restart */
  receivedHr?: number;
  /** how long storing it in the inbox took */
  storeMs: number | null;
  /** performance.now() when it was handed to the reply queue (set by the dispatcher) */
  dispatchedHr?: number;
  attempts: number;
}
