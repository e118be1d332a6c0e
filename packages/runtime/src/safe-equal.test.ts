import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeEqual } from './safe-equal';

// The comparison every token and secret goes through (debug token, verify token, the bots'
// INTERNAL_SECRET): constant time whatever the lengths, so it compares fixed-size HMACs.

describe('safeEqual', () => {
  it('tells equal and different secrets apart, whatever their lengths', () => {
    expect(safeEqual('a-long-debug-token-1234', 'a-long-debug-token-1234')).toBe(true);
    expect(safeEqual('a-long-debug-token-1234', 'a-long-debug-token-1235')).toBe(false);
    // Different lengths do not throw (timingSafeEqual alone would).
    expect(safeEqual('short', 'a-much-longer-secret')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('zoë 👋', 'zoë 👋')).toBe(true);
    expect(safeEqual('zoë 👋', 'zoe 👋')).toBe(false);
  });

  it('is string equality, for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(safeEqual(a, b)).toBe(a === b);
        expect(safeEqual(a, a)).toBe(true);
      }),
      { seed: 7301, numRuns: 500 },
    );
  });
});
