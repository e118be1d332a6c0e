export type TrendDirection = 'up' | 'down' | 'flat' | 'new';
export type TrendTone = 'good' | 'bad' | 'neutral';

export interface Trend {
  direction: TrendDirection;
  tone: TrendTone;
}

/**
 * Colour follows meaning, not sign: more messages is good, a slower response time is bad.
 * Changes under half a percent read as flat so noise does not flash red and green.
 */
export function trendOf(changePct: number | null, higherIsBetter: boolean): Trend {
  if (changePct === null || !Number.isFinite(changePct)) return { direction: 'new', tone: 'neutral' };
  if (Math.abs(changePct) < 0.5) return { direction: 'flat', tone: 'neutral' };
  const direction = changePct > 0 ? 'up' : 'down';
  const good = (direction === 'up') === higherIsBetter;
  return { direction, tone: good ? 'good' : 'bad' };
}
