import { describe, expect, it } from 'vitest';
import { trendOf } from './trend';

describe('trendOf', () => {
  it('colours by meaning, not sign', () => {
    expect(trendOf(12, true)).toEqual({ direction: 'up', tone: 'good' });
    expect(trendOf(-12, true)).toEqual({ direction: 'down', tone: 'bad' });
    // Slower replies are bad even though the number went up.
    expect(trendOf(12, false)).toEqual({ direction: 'up', tone: 'bad' });
    expect(trendOf(-12, false)).toEqual({ direction: 'down', tone: 'good' });
  });
  it('calls tiny changes flat and missing ones new', () => {
    expect(trendOf(0.2, true)).toEqual({ direction: 'flat', tone: 'neutral' });
    expect(trendOf(null, true)).toEqual({ direction: 'new', tone: 'neutral' });
  });
});
