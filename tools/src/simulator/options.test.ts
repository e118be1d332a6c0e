import { describe, expect, it } from 'vitest';
import { parseDuration, resolveOptions } from './options';

describe('options', () => {
  it('parses durations', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('0')).toBe(0);
    expect(() => parseDuration('ten minutes')).toThrow(/duration/);
  });

  it('has defaults per mode', () => {
    expect(resolveOptions({ secret: 's' })).toMatchObject({
      mode: 'demo',
      ratePerMinute: 30,
      durationMs: 0,
      rhythm: true,
    });
    expect(resolveOptions({ secret: 's', mode: 'load' })).toMatchObject({
      ratePerMinute: 1_000,
      durationMs: 60_000,
      rhythm: false,
    });
  });

  it('rejects bad values with a message naming the option', () => {
    expect(() => resolveOptions({ secret: '' })).toThrow(/secret/);
    expect(() => resolveOptions({ secret: 's', ratePerMinute: 0 })).toThrow(/rate/);
    expect(() => resolveOptions({ secret: 's', users: 1.5 })).toThrow(/users/);
    expect(() => resolveOptions({ secret: 's', url: 'ftp://x' })).toThrow(/url/);
    expect(() => resolveOptions({ secret: 's', mix: { duplicate: 2 } })).toThrow(/mix.duplicate/);
  });
});
