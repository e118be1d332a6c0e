import { describe, expect, it } from 'vitest';
import { createRng } from '../simulator/random';
import { historyCost, historyGenAi, SYSTEM_PROMPT_TOKENS } from './gen-ai';

describe('historyGenAi', () => {
  const many = (progress: number, n = 4000) => {
    const rng = createRng(`test:${progress}`);
    return Array.from({ length: n }, (_, i) =>
      historyGenAi(
        rng,
        i % 2 ? 'hi' : 'Could you tell me what a full check-up costs without insurance, please?',
        'Our prices start at 45 €.',
        progress,
      ),
    );
  };

  it('counts tokens that follow the text: a longer question has more input tokens; the system prompt is cached', () => {
    const rows = many(0.9, 400);
    const long = rows.filter((_, i) => i % 2 === 0);
    const short = rows.filter((_, i) => i % 2 === 1);
    const avg = (xs: typeof rows) => xs.reduce((s, r) => s + r.input_tokens, 0) / xs.length;
    expect(avg(long)).toBeGreaterThan(avg(short) + 10);
    expect(
      rows.every((r) => r.cached_tokens === SYSTEM_PROMPT_TOKENS && r.input_tokens > r.cached_tokens),
    ).toBe(true);
  });

  it('moves from gemini-2.0-flash to 2.5 flash and pro, and only 2.5 models think', () => {
    expect(new Set(many(0.1).map((r) => r.model))).toEqual(new Set(['gemini-2.0-flash']));
    expect(many(0.1).every((r) => r.reasoning_tokens === 0)).toBe(true);
    const late = many(0.9);
    expect(new Set(late.map((r) => r.model))).toEqual(new Set(['gemini-2.5-flash', 'gemini-2.5-pro']));
    const thinking = late.filter((r) => r.reasoning_tokens > 0).length / late.length;
    expect(thinking).toBeGreaterThan(0.25);
    expect(thinking).toBeLessThan(0.45);
  });

  it('has a few MAX_TOKENS, SAFETY and blocked prompts, a block without output or finish', () => {
    const rows = many(0.9, 20_000);
    const share = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).length / rows.length;
    expect(share((r) => r.finish_reason === 'MAX_TOKENS')).toBeGreaterThan(0.01);
    expect(share((r) => r.finish_reason === 'MAX_TOKENS')).toBeLessThan(0.03);
    expect(share((r) => r.finish_reason === 'SAFETY')).toBeGreaterThan(0.002);
    const blocked = rows.filter((r) => r.block_reason !== null);
    expect(blocked.length / rows.length).toBeGreaterThan(0.002);
    expect(blocked.every((r) => r.finish_reason === null && r.output_tokens === 0)).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect(many(0.5, 50)).toEqual(many(0.5, 50));
  });
});

describe('historyCost', () => {
  const table = {
    version: 'test',
    models: {
      'gemini-2.5-flash': { input: 0.3, cached_input: 0.03, output: 2.5 },
      'gemini-2.5-pro': {
        input: 1.25,
        cached_input: 0.125,
        output: 10,
        above_200k: { input: 2.5, cached_input: 0.25, output: 15 },
      },
    },
  };
  const usage = (model: string, input: number, cached: number, output: number, reasoning: number) => ({
    model,
    model_version: model,
    input_tokens: input,
    cached_tokens: cached,
    output_tokens: output,
    reasoning_tokens: reasoning,
    finish_reason: 'STOP',
    block_reason: null,
  });

  it('bills cached tokens at the cached price and thinking tokens as output', () => {
    // (1200 − 1000) × 0.30 + 1000 × 0.03 + (80 + 300) × 2.50 = 60 + 30 + 950 per 1M
    expect(historyCost(table, usage('gemini-2.5-flash', 1200, 1000, 80, 300))).toBeCloseTo(0.00104, 12);
  });

  it('uses the higher tier above 200k prompt tokens, and no price is null, never 0', () => {
    expect(historyCost(table, usage('gemini-2.5-pro', 250_000, 0, 1000, 0))).toBeCloseTo(0.64, 12);
    expect(historyCost(table, usage('gemini-9', 100, 0, 10, 0))).toBeNull();
    expect(historyCost(null, usage('gemini-2.5-flash', 100, 0, 10, 0))).toBeNull();
  });
});
