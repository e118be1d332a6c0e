/** Beyond this, a timestamp ahead of our clock is not jitter but a wrong clock: counted as skew. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

export interface EventTime {
  /** the time every count uses: Meta's timestamp, never later than the receipt */
  timestampMs: number;
  /** Meta's timestamp when it was later than the receipt (kept in conversations.original_timestamp) */
  originalMs: number | null;
  /** more than CLOCK_SKEW_LIMIT_MS ahead: counted in botpulse_webhook_clock_skew_total */
  skewed: boolean;
}

/**
 * The one event-time rule (docs/schema.md, "Event time"): a message happened at Meta's timestamp,
 * but not after we received it. A timestamp from the future (a wrong clock, or the year 9999) is
 * clamped to the receipt time, so the rows, the rollups and the bot's collector put it in the same
 * bucket and no total holds a message that no chart shows. Late events keep their own time.
 */
export function eventTime(sentMs: number, receivedMs: number): EventTime {
  if (sentMs <= receivedMs) return { timestampMs: sentMs, originalMs: null, skewed: false };
  return { timestampMs: receivedMs, originalMs: sentMs, skewed: sentMs - receivedMs > CLOCK_SKEW_LIMIT_MS };
}
