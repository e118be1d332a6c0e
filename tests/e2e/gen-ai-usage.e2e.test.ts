import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldRollupQueue } from '@botpulse/db';
import type {
  BotMetrics,
  GenAiTotals,
  MonitoringDashboard,
  OverviewResponse,
  TimelineResponse,
  UsersResponse,
} from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, newPsid, postText, textBody, waitForConversations } from './helpers/bot';
import { scrape, sum } from './helpers/prometheus';

// Gemini usage and cost end to end: the real bot against the fake Gemini wire server answering
// with KNOWN usageMetadata, finish reasons and a prompt block. The same token and cost totals must
// come out of /metrics, /debug/metrics (also after a restart), the analytics API (before and after
// the rollups fold), the Monitoring card's data and the export.

const MODEL = 'gemini-2.5-flash'; // the shipped table: input 0.30, cached 0.03, output 2.50 USD/1M

interface Case {
  text: string;
  usage: {
    promptTokenCount: number;
    cachedContentTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
  };
  finishReason?: string;
  blockReason?: string;
  reply?: string;
  /** micro-USD, worked out by hand from the formula */
  costMicro: number;
}

const CASES: Case[] = [
  // 1200 × 0.30 + 300 × 2.50
  {
    text: 'plain answer',
    usage: { promptTokenCount: 1200, candidatesTokenCount: 300 },
    finishReason: 'STOP',
    reply: 'We open at nine.',
    costMicro: 1110,
  },
  // (5000 − 4000) × 0.30 + 4000 × 0.03 + (150 + 850) × 2.50
  {
    text: 'cached prompt and thinking',
    usage: {
      promptTokenCount: 5000,
      cachedContentTokenCount: 4000,
      candidatesTokenCount: 150,
      thoughtsTokenCount: 850,
    },
    finishReason: 'STOP',
    reply: 'Yes, we deliver on Sundays.',
    costMicro: 2920,
  },
  // 800 × 0.30 + (512 + 100) × 2.50
  {
    text: 'a long question, cut off',
    usage: { promptTokenCount: 800, candidatesTokenCount: 512, thoughtsTokenCount: 100 },
    finishReason: 'MAX_TOKENS',
    reply: 'The full list of our opening hours is',
    costMicro: 1770,
  },
  // a blocked prompt: no candidates, only the prompt is counted: 400 × 0.30
  { text: 'something blocked', usage: { promptTokenCount: 400 }, blockReason: 'SAFETY', costMicro: 120 },
  // an answer stopped for safety without text: 600 × 0.30
  { text: 'an unsafe answer', usage: { promptTokenCount: 600 }, finishReason: 'SAFETY', costMicro: 180 },
];

const TOTAL = {
  requests: 5,
  input_tokens: 8000,
  cached_tokens: 4000,
  output_tokens: 962,
  reasoning_tokens: 950,
  cost_usd: 0.0061,
  blocked: 1,
  truncated: 1,
};

function body(c: Case) {
  if (c.blockReason) {
    return {
      promptFeedback: { blockReason: c.blockReason },
      usageMetadata: { ...c.usage, totalTokenCount: c.usage.promptTokenCount },
      modelVersion: `${MODEL}-001`,
      responseId: 'r-blocked',
    };
  }
  const parts = c.reply ? [{ text: c.reply }] : [];
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: c.finishReason, index: 0 }],
    usageMetadata: {
      ...c.usage,
      totalTokenCount: c.usage.promptTokenCount + (c.usage.candidatesTokenCount ?? 0),
    },
    modelVersion: `${MODEL}-001`,
    responseId: `r-${c.text.length}`,
  };
}

let stack: Stack;
let cookie: string;
const psids = CASES.map(() => newPsid());
const mids: string[] = [];
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  // The rollups fold only when this test says so (hourly otherwise).
  stack = await startStack({ gemini: true, env: { ROLLUP_INTERVAL_MS: '3600000' } });
  cookie = await stack.login();
  stack.gemini!.setAnswer(({ userText }) => {
    const c = CASES.find((x) => x.text === userText);
    return c ? { status: 200, body: body(c) } : undefined;
  });
  for (const [i, c] of CASES.entries()) mids.push(await postText(stack, psids[i]!, c.text));
  await waitForConversations(stack, mids);
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

const api = async <T>(path: string): Promise<T> => {
  const res = await stack.api<T>(path, cookie);
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  return res.body;
};

function expectTotals(g: GenAiTotals) {
  const { cost_usd, ...counts } = TOTAL;
  expect(g).toMatchObject(counts);
  expect(g.cost_usd).toBeCloseTo(cost_usd, 12);
  expect(g.finish_reasons).toEqual({ STOP: 2, MAX_TOKENS: 1, SAFETY: 1 });
  expect(g.unpriced_requests).toBe(0);
  expect(g.unpriced_models).toEqual([]);
}

describe('Gemini usage and cost, from the answer to every view', () => {
  it('stores the usage, reasons, model version and cost on each row; blocked and empty answers get the fallback', async () => {
    const rows = await stack.db.query<Record<string, unknown>>(
      `SELECT mid, status, reply_text, model, model_version, input_tokens, cached_tokens, output_tokens,
              reasoning_tokens, finish_reason, block_reason, cost_usd, price_version
         FROM conversations WHERE mid = ANY ($1)`,
      [mids],
    );
    const byMid = new Map(rows.rows.map((r) => [r.mid, r]));
    for (const [i, c] of CASES.entries()) {
      const r = byMid.get(mids[i]!)!;
      expect(r).toMatchObject({
        // a blocked prompt or an empty answer is not an outage: answered (fallback), not failed
        status: 'replied',
        model: MODEL,
        model_version: `${MODEL}-001`,
        input_tokens: c.usage.promptTokenCount,
        cached_tokens: c.usage.cachedContentTokenCount ?? 0,
        output_tokens: c.usage.candidatesTokenCount ?? 0,
        reasoning_tokens: c.usage.thoughtsTokenCount ?? 0,
        finish_reason: c.finishReason ?? null,
        block_reason: c.blockReason ?? null,
        cost_usd: c.costMicro / 1e6,
        price_version: '2026-12-05',
      });
      if (c.reply) expect(r.reply_text).toBe(c.reply);
      else expect(r.reply_text).not.toBe('');
    }
    // The blocked prompt was asked once: not retried as if Gemini were down.
    const asked = stack.gemini!.requests.filter(
      (q) => q.method === 'POST' && JSON.stringify(q.body).includes('something blocked'),
    );
    expect(asked).toHaveLength(1);
  });

  it('/metrics: tokens by type, cost, finish reasons, blocks and the OpenTelemetry histograms', async () => {
    const { samples } = await scrape(stack);
    const m = { model: MODEL };
    expect(sum(samples, 'botpulse_gen_ai_tokens_total', { ...m, type: 'input' })).toBe(8000);
    expect(sum(samples, 'botpulse_gen_ai_tokens_total', { ...m, type: 'cached_input' })).toBe(4000);
    expect(sum(samples, 'botpulse_gen_ai_tokens_total', { ...m, type: 'output' })).toBe(962);
    expect(sum(samples, 'botpulse_gen_ai_tokens_total', { ...m, type: 'reasoning' })).toBe(950);
    expect(sum(samples, 'botpulse_gen_ai_cost_usd_total', m)).toBeCloseTo(0.0061, 12);
    expect(sum(samples, 'botpulse_gen_ai_responses_total', { ...m, finish_reason: 'STOP' })).toBe(2);
    expect(sum(samples, 'botpulse_gen_ai_responses_total', { ...m, finish_reason: 'MAX_TOKENS' })).toBe(1);
    expect(sum(samples, 'botpulse_gen_ai_responses_total', { ...m, finish_reason: 'SAFETY' })).toBe(1);
    expect(sum(samples, 'botpulse_gen_ai_responses_total', m)).toBe(5);
    expect(sum(samples, 'botpulse_gen_ai_prompt_blocked_total', { block_reason: 'SAFETY' })).toBe(1);
    const otel = { gen_ai_request_model: MODEL, gen_ai_provider_name: 'gcp.gemini' };
    expect(sum(samples, 'gen_ai_client_token_usage_count', { ...otel, gen_ai_token_type: 'input' })).toBe(5);
    expect(sum(samples, 'gen_ai_client_token_usage_sum', { ...otel, gen_ai_token_type: 'input' })).toBe(8000);
    // thinking tokens are output tokens
    expect(sum(samples, 'gen_ai_client_token_usage_sum', { ...otel, gen_ai_token_type: 'output' })).toBe(
      1912,
    );
    expect(sum(samples, 'gen_ai_client_operation_duration_seconds_count', { ...otel, error_type: '' })).toBe(
      5,
    );
    // no user id as a label, anywhere in the Gemini series
    const genAi = samples.filter((s) => s.name.includes('gen_ai'));
    for (const s of genAi) for (const v of Object.values(s.labels)) expect(psids).not.toContain(v);
  });

  it('/debug/metrics gen_ai, and the same after a restart (rebuilt from the rows)', async () => {
    expectTotals((await stack.debug<BotMetrics>('/debug/metrics')).gen_ai);
    const bot = stack.bots[0]!;
    await bot.process.stop();
    await stack.restartBot(bot);
    expectTotals((await stack.debug<BotMetrics>('/debug/metrics')).gen_ai);
  });

  async function analytics() {
    const range = `from=${today}&to=${today}&tz=UTC`;
    const overview = await api<OverviewResponse>(`/api/analytics/overview?${range}`);
    const timeline = await api<TimelineResponse>(`/api/analytics/timeline?${range}&granularity=hour`);
    const byCost = await api<UsersResponse>(`/api/analytics/users?${range}&sort=cost`);
    return { overview, timeline, byCost };
  }

  function expectAnalytics({ overview, timeline, byCost }: Awaited<ReturnType<typeof analytics>>) {
    expect(overview.current).toMatchObject({ input_tokens: 8000, output_tokens: 962 });
    expect(overview.current.cost_usd).toBeCloseTo(0.0061, 12);
    expect(overview.unpriced_models).toEqual([]);
    const t = timeline.buckets.reduce(
      (a, b) => ({
        input: a.input + (b.input_tokens ?? 0),
        output: a.output + (b.output_tokens ?? 0),
        cost: a.cost + (b.cost_usd ?? 0),
        flash: a.flash + (b.cost_by_model?.[MODEL] ?? 0),
      }),
      { input: 0, output: 0, cost: 0, flash: 0 },
    );
    expect(t.input).toBe(8000);
    expect(t.output).toBe(962);
    expect(t.cost).toBeCloseTo(0.0061, 12);
    expect(t.flash).toBeCloseTo(0.0061, 12);
    expect(byCost.sort).toBe('cost');
    expect(byCost.top.map((u) => u.user_id)).toEqual([psids[1], psids[2], psids[0], psids[4], psids[3]]);
    expect(byCost.top.map((u) => u.cost_usd)).toEqual([0.00292, 0.00177, 0.00111, 0.00018, 0.00012]);
  }

  it('analytics: tokens and cost in overview, timeline and top users, before and after the rollups fold', async () => {
    expect(await countRows(stack, 'SELECT count(*) AS n FROM rollup_queue')).toBeGreaterThanOrEqual(5);
    expectAnalytics(await analytics());
    await foldRollupQueue(stack.db, 100_000, true);
    expect(await countRows(stack, 'SELECT count(*) AS n FROM rollup_queue')).toBe(0);
    expect(await countRows(stack, 'SELECT coalesce(sum(requests), 0) AS n FROM rollup_gen_ai_slots')).toBe(5);
    expectAnalytics(await analytics());
    const bad = await stack.api<{ error: string }>(
      `/api/analytics/users?from=${today}&to=${today}&sort=price`,
      cookie,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('sort');
  });

  it('the Monitoring card: today, cost per message, blocked and truncated share', async () => {
    let card: MonitoringDashboard['gen_ai'] | undefined;
    await stack.waitFor(
      async () => {
        card = (await api<MonitoringDashboard>('/api/monitoring/dashboard')).gen_ai;
        return card.requests === 5;
      },
      'the Gemini card to count the five replies',
      30_000,
    );
    expect(card).toMatchObject({
      input_tokens: 8000,
      cached_tokens: 4000,
      output_tokens: 962,
      reasoning_tokens: 950,
      blocked: 1,
      truncated: 1,
      blocked_share: 0.2,
      truncated_share: 0.2,
      unpriced_models: [],
    });
    expect(card!.cost_usd).toBeCloseTo(0.0061, 12);
    expect(card!.cost_per_message).toBeCloseTo(0.00122, 12);
    expect(card!.latency_avg_ms).toBeGreaterThan(0);
  });

  it('the export carries the stored fields (JSON and CSV)', async () => {
    const q = `type=messages&from=${today}&to=${today}&tz=UTC`;
    const json = await fetch(`${stack.adminUrl}/api/monitoring/export?format=json&${q}`, {
      headers: { cookie },
    });
    const rows = (await json.json()) as Array<Record<string, number | string | null>>;
    const gem = rows.filter((r) => r.model === MODEL);
    expect(gem).toHaveLength(5);
    const total = (k: string) => gem.reduce((a, r) => a + Number(r[k] ?? 0), 0);
    expect([
      total('input_tokens'),
      total('cached_tokens'),
      total('output_tokens'),
      total('reasoning_tokens'),
    ]).toEqual([8000, 4000, 962, 950]);
    expect(total('cost_usd')).toBeCloseTo(0.0061, 12);
    expect(gem.map((r) => r.finish_reason).sort()).toEqual(
      ['MAX_TOKENS', 'SAFETY', 'STOP', 'STOP', null].sort(),
    );
    const csv = await (
      await fetch(`${stack.adminUrl}/api/monitoring/export?format=csv&${q}`, { headers: { cookie } })
    ).text();
    const [header] = csv.split('\r\n');
    // The Gemini columns, then `mid` last (the key `npm run import` loads a file back by).
    expect(header!.split(',').slice(-11)).toEqual([
      'model',
      'model_version',
      'input_tokens',
      'cached_tokens',
      'output_tokens',
      'reasoning_tokens',
      'finish_reason',
      'block_reason',
      'cost_usd',
      'price_version',
      'mid',
    ]);
    expect(csv).toContain(`,${MODEL},${MODEL}-001,5000,4000,150,850,STOP,,0.00292,2026-12-05,`);
  });

  it('a model without a price: counted, cost null (never 0), named; a malformed price file stops the bot', async () => {
    // A second bot whose price table (GEMINI_PRICES_FILE) has no gemini-2.5-flash.
    const prices = join(stack.dataDir, 'prices.json');
    writeFileSync(
      prices,
      JSON.stringify({
        version: 'other-1',
        models: { 'gemini-2.5-pro': { input: 1, cached_input: 0.1, output: 2 } },
      }),
    );
    const env = stack.options.env!;
    env.GEMINI_PRICES_FILE = prices;
    await stack.addBot('bot-unpriced');
    const psid = newPsid();
    const { body: b, mid } = textBody(psid, 'plain answer');
    expect((await stack.post(b, { bot: 1 })).status).toBe(200);
    await waitForConversations(stack, [mid]);
    const row = await stack.db.query(
      'SELECT cost_usd, price_version, input_tokens FROM conversations WHERE mid = $1',
      [mid],
    );
    expect(row.rows[0]).toEqual({ cost_usd: null, price_version: null, input_tokens: 1200 });
    const g = (await stack.debug<BotMetrics>('/debug/metrics', 1)).gen_ai;
    expect(g).toMatchObject({
      requests: 1,
      input_tokens: 1200,
      cost_usd: 0,
      unpriced_requests: 1,
      unpriced_models: [MODEL],
    });
    const overview = await api<OverviewResponse>(`/api/analytics/overview?from=${today}&to=${today}&tz=UTC`);
    expect(overview.unpriced_models).toEqual([MODEL]);
    expect(overview.current.input_tokens).toBe(9200);
    // its cost is not added as 0 or as anything: the priced total stays
    expect(overview.current.cost_usd).toBeCloseTo(0.0061, 12);

    writeFileSync(
      prices,
      JSON.stringify({ version: 'bad', models: { 'gemini-2.5-flash': { input: 0.3, cached_input: 0.03 } } }),
    );
    const failed = await stack.addBot('bot-bad-prices').then(
      () => '',
      (err: Error) => err.message,
    );
    expect(failed).toContain(prices);
    expect(failed).toContain('models.gemini-2.5-flash.output');
    delete env.GEMINI_PRICES_FILE;
  });
});
