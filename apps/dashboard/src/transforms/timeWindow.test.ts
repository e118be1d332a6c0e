import { describe, expect, it } from 'vitest';
import { last24Hours } from './timeWindow';

describe('last24Hours', () => {
  it('is 24 whole hours ending after the current hour', () => {
    expect(last24Hours(Date.parse('2026-03-08T10:25:13Z'))).toEqual({
      from: '2026-03-07T11:00:00.000Z',
      to: '2026-03-08T11:00:00.000Z',
    });
  });
  it('does not change within the hour (one cached query per hour)', () => {
    expect(last24Hours(Date.parse('2026-03-08T10:00:00Z'))).toEqual(
      last24Hours(Date.parse('2026-03-08T10:59:59Z')),
    );
  });
});
