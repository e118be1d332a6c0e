import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PriceTable } from '@botpulse/protocol';
import { describe, expect, it } from 'vitest';
import { readUsage } from '../clients/gemini';
import { loadPriceTable, PriceTableError, parsePriceTable, replyCost } from './prices';

const TABLE: PriceTable = {
  version: 'test-1',
  models: {
    flash: { input: 0.3, cached_input: 0.03, output: 2.5 },
    pro: {
      input: 1.25,
      cached_input: 0.125,
      output: 10,
      above_200k: { input: 2.5, cached_input: 0.25, output: 15 },
    },
  },
};
const usage = (input: number, cached: number, output: number, reasoning: number) => ({
  input_tokens: input,
  cached_tokens: cached,
  output_tokens: output,
  reasoning_tokens: reasoning,
});

describe('reply cost', () => {
  it('prices input, output and nothing else for a plain reply', () => {
    // 1000 × 0.30 + 200 × 2.50 = 800 micro-USD
    expect(replyCost(TABLE, 'flash', usage(1000, 0, 200, 0))).toBe(0.0008);
  });

  it('prices the cached part of the prompt at the cached price, not twice', () => {
    // (1000 − 600) × 0.30 + 600 × 0.03 + 200 × 2.50 = 120 + 18 + 500 = 638 micro-USD
    expect(replyCost(TABLE, 'flash', usage(1000, 600, 200, 0))).toBe(0.000638);
  });

  it('bills thinking tokens as output: never left out', () => {
    // 1000 × 0.30 + (200 + 300) × 2.50 = 300 + 1250 = 1550 micro-USD
    expect(replyCost(TABLE, 'flash', usage(1000, 0, 200, 300))).toBe(0.00155);
    expect(replyCost(TABLE, 'flash', usage(1000, 0, 200, 300))).toBeGreaterThan(
      replyCost(TABLE, 'flash', usage(1000, 0, 200, 0))!,
    );
  });

  it('uses the long-context prices above 200k prompt tokens, the base ones at exactly 200k', () => {
    // 200000 × 1.25 + 1000 × 10 = 260000 micro-USD
    expect(replyCost(TABLE, 'pro', usage(200_000, 0, 1000, 0))).toBe(0.26);
    // (200001 − 1) × 2.50 + 1 × 0.25 + (1000 + 500) × 15 = 500000 + 0.25 + 22500
    expect(replyCost(TABLE, 'pro', usage(200_001, 1, 1000, 500))).toBe(0.52250025);
    // a model without a long-context tier keeps its prices
    expect(replyCost(TABLE, 'flash', usage(300_000, 0, 0, 0))).toBe(0.09);
  });

  it('an unknown model has no cost (null, never 0); a models/ prefix is the same model', () => {
    expect(replyCost(TABLE, 'gemini-9-ultra', usage(10, 0, 10, 0))).toBeNull();
    expect(replyCost(TABLE, 'models/flash', usage(1000, 0, 200, 0))).toBe(0.0008);
  });

  it('reads usageMetadata, finish and block reasons and the model version from an answer', () => {
    const u = readUsage(
      {
        usageMetadata: {
          promptTokenCount: 1000,
          cachedContentTokenCount: 600,
          candidatesTokenCount: 200,
          thoughtsTokenCount: 300,
        },
        candidates: [{ finishReason: 'MAX_TOKENS' as never }],
        modelVersion: 'flash-001',
      },
      'flash',
      TABLE,
    );
    expect(u).toEqual({
      model: 'flash',
      model_version: 'flash-001',
      input_tokens: 1000,
      cached_tokens: 600,
      output_tokens: 200,
      reasoning_tokens: 300,
      finish_reason: 'MAX_TOKENS',
      block_reason: null,
      cost_usd: 0.001388,
      price_version: 'test-1',
    });
    const blocked = readUsage(
      { usageMetadata: { promptTokenCount: 12 }, promptFeedback: { blockReason: 'SAFETY' as never } },
      'unknown-model',
      TABLE,
    );
    expect(blocked).toMatchObject({
      block_reason: 'SAFETY',
      finish_reason: null,
      output_tokens: 0,
      cost_usd: null,
      price_version: null,
    });
  });
});

describe('price files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prices-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('the shipped table is valid, dated, names its source and covers Flash, Flash-Lite and Pro', () => {
    const t = loadPriceTable();
    expect(t.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(t.source).toContain('ai.google.dev/gemini-api/docs/pricing');
    for (const m of ['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro'])
      expect(t.models[m]).toBeDefined();
    expect(t.models['gemini-2.5-pro']!.above_200k).toBeDefined();
  });

  it('an override file replaces the table', () => {
    const path = file(
      'ok.json',
      JSON.stringify({
        version: 'ours-2026',
        models: { 'my-model': { input: 1, cached_input: 0.5, output: 2 } },
      }),
    );
    const t = loadPriceTable(path);
    expect(t.version).toBe('ours-2026');
    expect(replyCost(t, 'my-model', usage(1_000_000, 0, 1_000_000, 0))).toBe(3);
    expect(replyCost(t, 'gemini-2.5-flash', usage(1, 0, 1, 0))).toBeNull();
  });

  it.each([
    ['not JSON', '{"version": ', /not valid JSON/],
    ['no version', JSON.stringify({ models: {} }), /field "version"/],
    [
      'a negative price',
      JSON.stringify({ version: 'x', models: { m: { input: -1, cached_input: 0, output: 1 } } }),
      /field "models\.m\.input"/,
    ],
    [
      'a missing output price',
      JSON.stringify({ version: 'x', models: { m: { input: 1, cached_input: 0 } } }),
      /field "models\.m\.output"/,
    ],
    [
      'a price given as text',
      JSON.stringify({ version: 'x', models: { m: { input: '0.3', cached_input: 0, output: 1 } } }),
      /field "models\.m\.input"/,
    ],
    [
      'a misspelt key',
      JSON.stringify({
        version: 'x',
        models: { m: { input: 1, cache_input: 0, cached_input: 0, output: 1 } },
      }),
      /field "models\.m"/,
    ],
    [
      'a bad long-context tier',
      JSON.stringify({
        version: 'x',
        models: { m: { input: 1, cached_input: 0, output: 1, above_200k: { output: 'high' } } },
      }),
      /field "models\.m\.above_200k\.output"/,
    ],
  ])('a malformed file (%s) stops start-up naming the file and the field', (_what, text, field) => {
    const path = file(`bad-${Math.random().toString(36).slice(2)}.json`, text);
    expect(() => loadPriceTable(path)).toThrow(PriceTableError);
    expect(() => loadPriceTable(path)).toThrow(path);
    expect(() => loadPriceTable(path)).toThrow(field);
  });

  it('a missing file is named', () => {
    expect(() => loadPriceTable(join(dir, 'nope.json'))).toThrow(/nope\.json: cannot be read \(ENOENT\)/);
  });

  it('parses text directly with the same rules', () => {
    expect(() => parsePriceTable('[]', 'inline')).toThrow(/inline: field "\(top level\)"/);
  });
});
