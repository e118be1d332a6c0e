import type { GenAiUsage } from '@botpulse/protocol';
import { describe, expect, it } from 'vitest';
import { MetricsCollector } from './collector';
import { emptyGenAiTotals, GenAiTally } from './gen-ai-tally';

const reply = (over: Partial<GenAiUsage> = {}): GenAiUsage => ({
  model: 'gemini-2.5-flash',
  model_version: 'gemini-2.5-flash-001',
  input_tokens: 100,
  cached_tokens: 40,
  output_tokens: 20,
  reasoning_tokens: 5,
  finish_reason: 'STOP',
  block_reason: null,
  cost_usd: 0.0000001,
  price_version: 'v',
  ...over,
});
const RULE: GenAiUsage = {
  model: null,
  model_version: null,
  input_tokens: null,
  cached_tokens: null,
  output_tokens: null,
  reasoning_tokens: null,
  finish_reason: null,
  block_reason: null,
  cost_usd: null,
  price_version: null,
};

describe('GenAiTally', () => {
  it('adds tokens and cost, counts blocks, truncations and finish reasons; rule replies are not counted', () => {
    const t = new GenAiTally();
    for (let i = 0; i < 10; i++) t.record(reply());
    t.record(reply({ finish_reason: 'MAX_TOKENS' }));
    t.record(reply({ finish_reason: null, block_reason: 'SAFETY', output_tokens: 0, reasoning_tokens: 0 }));
    t.record(reply({ model: 'gemini-x', cost_usd: null }));
    t.record(RULE);
    expect(t.snapshot()).toEqual({
      requests: 13,
      input_tokens: 1300,
      cached_tokens: 520,
      output_tokens: 240,
      reasoning_tokens: 60,
      // 12 priced replies of 1e-7 USD: exact, without float noise
      cost_usd: 0.0000012,
      blocked: 1,
      truncated: 1,
      finish_reasons: { STOP: 11, MAX_TOKENS: 1 },
      unpriced_requests: 1,
      unpriced_models: ['gemini-x'],
    });
  });

  it('the collector restores gen_ai from a seed and starts from zero without one', () => {
    const c = new MetricsCollector();
    const seed = { ...emptyGenAiTotals(), requests: 7, cost_usd: 0.5, finish_reasons: { STOP: 7 } };
    c.restore({
      totalMessages: 0,
      totalUsers: 0,
      failedTotal: 0,
      hours: [],
      users: [],
      recentResponseTimes: [],
      genAi: seed,
    });
    c.recordGenAi(reply());
    expect(c.getGenAiTotals()).toMatchObject({ requests: 8, finish_reasons: { STOP: 8 } });
    expect(c.getGenAiTotals().cost_usd).toBeCloseTo(0.5000001, 12);
    // the seed object itself is not changed by later records
    expect(seed.requests).toBe(7);
    c.restore({
      totalMessages: 0,
      totalUsers: 0,
      failedTotal: 0,
      hours: [],
      users: [],
      recentResponseTimes: [],
    });
    expect(c.getGenAiTotals()).toEqual(emptyGenAiTotals());
  });
});
