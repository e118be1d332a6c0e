import { describe, expect, it } from 'vitest';
import { formatProgress } from './report';

describe('formatProgress', () => {
  it('shows sent, acked, errors, rate and p95 on one line', () => {
    const line = formatProgress({
      elapsedMs: 83_000,
      userMessages: 1234,
      posts: 1500,
      acked: 1498,
      errors: 2,
      inFlight: 0,
      recentRatePerMinute: 998.4,
      recentP95Ms: 12.34,
    });
    expect(line).toBe(
      '00:01:23 | sent 1,234 msgs / 1,500 posts | acked 1,498 | errors 2 | rate 998/min | p95 ack 12.3 ms',
    );
  });
});
