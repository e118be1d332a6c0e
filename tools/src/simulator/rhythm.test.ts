import { describe, expect, it } from 'vitest';
import { localTime, rhythmFactor } from './rhythm';

describe('rhythmFactor', () => {
  it('is quiet at night, busy in the evening, and averages about 1 over a week', () => {
    const monday = Date.UTC(2026, 2, 2); // a Monday, 00:00 UTC
    const at = (h: number) => rhythmFactor(monday + h * 3_600_000, 'UTC');
    expect(at(3.5)).toBeLessThan(0.2);
    expect(at(20.5)).toBeGreaterThan(1.5);
    let sum = 0;
    const steps = 7 * 24 * 4;
    for (let i = 0; i < steps; i++) sum += rhythmFactor(monday + i * 900_000, 'UTC');
    expect(sum / steps).toBeCloseTo(1, 1);
  });

  it('follows the configured zone', () => {
    const instant = Date.UTC(2026, 2, 2, 20, 30); // 20:30 UTC = 05:30 in Tokyo (Tuesday)
    expect(localTime(instant, 'Asia/Tokyo')).toEqual({ hour: 5.5, dow: 1 });
    expect(rhythmFactor(instant, 'Asia/Tokyo')).toBeLessThan(rhythmFactor(instant, 'UTC'));
  });
});
