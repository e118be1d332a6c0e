import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isEventDataError } from './errors';

const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('which database errors may drop an event', () => {
  it('only the event’s own data: class 22 and 54000/54001', () => {
    for (const code of ['22P02', '22021', '22P05', '22003', '54000', '54001'])
      expect(isEventDataError(err(code))).toBe(true);
    for (const code of [
      '25006',
      '42P01',
      '42501',
      '53100',
      '57014',
      '55P03',
      '08006',
      '23505',
      '54011',
      'ECONNRESET',
    ])
      expect(isEventDataError(err(code))).toBe(false);
    expect(isEventDataError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });

  it('read-only, missing relations, permissions, timeouts, locks and resources are "unavailable"', () => {
    for (const code of [
      '25006',
      '42P01',
      '42883',
      '42501',
      '57014',
      '55P03',
      '53100',
      '53300',
      '58030',
      '08006',
      '57P01',
    ])
      expect(isDatabaseUnavailable(err(code))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(err('22P02'))).toBe(false);
    expect(isDatabaseUnavailable(err('23505'))).toBe(false);
  });
});
