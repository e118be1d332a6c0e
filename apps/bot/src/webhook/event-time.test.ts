import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_LIMIT_MS, eventTime } from './event-time';

describe('the event-time rule', () => {
  const received = Date.UTC(2026, 2, 8, 12, 0, 0);
  it('keeps a past or present timestamp, however late', () => {
    expect(eventTime(received - 86_400_000, received)).toEqual({
      timestampMs: received - 86_400_000,
      originalMs: null,
      skewed: false,
    });
    expect(eventTime(received, received).timestampMs).toBe(received);
  });
  it('clamps a future timestamp to the receipt, keeps the original, counts skew beyond the limit', () => {
    expect(eventTime(received + 2_000, received)).toEqual({
      timestampMs: received,
      originalMs: received + 2_000,
      skewed: false,
    });
    expect(eventTime(received + CLOCK_SKEW_LIMIT_MS + 1, received).skewed).toBe(true);
    const y9999 = Date.UTC(9999, 0, 1);
    expect(eventTime(y9999, received)).toEqual({ timestampMs: received, originalMs: y9999, skewed: true });
  });
});
