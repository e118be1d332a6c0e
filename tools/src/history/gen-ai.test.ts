import { describe, expect, it } from 'vitest';
import { createRng } from '../simulator/random';
import { historyGenAi, SYSTEM_PROMPT_TOKENS } from './gen-ai';

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
