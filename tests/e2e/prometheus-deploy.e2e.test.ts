import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPsid, postText } from './helpers/bot';
import { parseExposition } from './helpers/prometheus';

// deploy/: the Prometheus rules pass promtool, every Grafana query names a metric that /metrics
// really exposes, and Debian's prometheus scrapes a real bot and admin with the shipped rules.

const PROMTOOL = '/usr/bin/promtool';
const PROMETHEUS = '/usr/bin/prometheus';
const DIR = join(ROOT, 'deploy/prometheus');
const need = (bin: string) => {
  if (!existsSync(bin) && process.env.CI) throw new Error(`${bin} is missing: apt-get install -y prometheus`);
  return existsSync(bin);
};

describe('deploy/prometheus with promtool', () => {
  it.runIf(need(PROMTOOL))('check rules and the rule unit tests pass', () => {
    execFileSync(PROMTOOL, ['check', 'rules', 'botpulse-rules.yml'], { cwd: DIR });
    execFileSync(PROMTOOL, ['test', 'rules', 'botpulse-rules.test.yml'], { cwd: DIR });
  });
});

describe('against a real stack', () => {
  let stack: Stack;
  let tmp: string;
  let prom: ReturnType<typeof spawn> | undefined;
  let promUrl = '';
  const headers = () => ({ authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` });

  beforeAll(async () => {
    stack = await startStack();
    tmp = await mkdtemp(join(tmpdir(), 'botpulse-prom-'));
    await postText(stack, newPsid(), 'hello prometheus');
    await stack.waitFor(async () => (await stack.conversations()).length === 1, 'one message stored');
  });
  afterAll(async () => {
    prom?.kill('SIGKILL');
    await stack?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('every Grafana query names a metric /metrics exposes', async () => {
    const names = new Set<string>(['up']);
    for (const url of [stack.bots[0]!.url, stack.adminUrl]) {
      const text = await (await fetch(`${url}/metrics`, { headers: headers() })).text();
      for (const s of parseExposition(text).samples) names.add(s.name);
    }
    const dashboard = JSON.parse(await readFile(join(ROOT, 'deploy/grafana/botpulse.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) =>
        [...t.expr.matchAll(/\b(botpulse_[a-z0-9_]+|up)\b(?=\s*[{[)]|\s*$)/g)].map((m) => m[1]!),
      ),
    );
    expect(used.length).toBeGreaterThan(10);
    // Counters with labels appear after their first increment; the alert failure counter is listed
    // by its family (# TYPE) even before. This stack answers with rules (no Gemini), so the Gemini
    // counters have not counted yet: they must be exactly DESIGN.md's names.
    const GEN_AI = [
      'botpulse_gen_ai_tokens_total',
      'botpulse_gen_ai_cost_usd_total',
      'botpulse_gen_ai_responses_total',
      'botpulse_gen_ai_prompt_blocked_total',
    ];
    const missing = [...new Set(used)].filter(
      (n) => !names.has(n) && n !== 'botpulse_alert_notifications_failed_total' && !GEN_AI.includes(n),
    );
    expect(missing).toEqual([]);
    expect(used.filter((n) => n.startsWith('botpulse_gen_ai_')).length).toBeGreaterThanOrEqual(4);
  });

  it.runIf(need(PROMETHEUS))(
    'prometheus scrapes both (up = 1), counts match, the rules load without firing',
    async () => {
      const port = await freePort();
      promUrl = `http://127.0.0.1:${port}`;
      await writeFile(join(tmp, 'token'), stack.secrets.DEBUG_TOKEN);
      const shipped = await readFile(join(DIR, 'prometheus.yml'), 'utf8');
      const config = shipped
        .replace(/scrape_interval: 15s/, 'scrape_interval: 1s')
        .replace(/evaluation_interval: 15s/, 'evaluation_interval: 1s')
        .replaceAll('/etc/prometheus/botpulse-debug-token', join(tmp, 'token'))
        .replace('botpulse-rules.yml', join(DIR, 'botpulse-rules.yml'))
        .replace('"127.0.0.1:3000"', `"127.0.0.1:${stack.bots[0]!.port}"`)
        .replace('"127.0.0.1:4000"', `"127.0.0.1:${stack.adminPort}"`);
      await writeFile(join(tmp, 'prometheus.yml'), config);
      prom = spawn(
        PROMETHEUS,
        [
          `--config.file=${join(tmp, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(tmp, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      const query = async (q: string) => {
        const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
        const body = (await res.json()) as {
          data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
        };
        return body.data.result;
      };
      const up = await stack.waitFor(
        async () => {
          const r = await query('up').catch(() => []);
          return r.length === 2 && r.every((x) => x.value[1] === '1') ? r : undefined;
        },
        'up = 1 for both jobs',
        60_000,
        500,
      );
      expect(up.map((x) => x.metric.job).sort()).toEqual(['botpulse-admin', 'botpulse-bot']);

      // Keep talking (NoMessages counts increases), then compare counts with the database.
      for (let i = 0; i < 3; i++) await postText(stack, newPsid(), `scraped ${i}`);
      await stack.waitFor(async () => (await stack.conversations()).length === 4, 'four messages stored');
      await stack.waitFor(
        async () => ((await query('sum(botpulse_messages_total)'))[0]?.value[1] === '4' ? true : undefined),
        'Prometheus counting 4 messages',
        30_000,
        500,
      );
      // A few evaluation rounds (every 1 s) on the new numbers.
      await new Promise((r) => setTimeout(r, 3_000));
      const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string; health: string; state: string }> }> };
      };
      const loaded = rules.data.groups.flatMap((g) => g.rules);
      expect(loaded.map((r) => r.name).sort()).toEqual(
        [
          'BotDown',
          'DependencyDown',
          'GeminiCostHigh',
          'GeminiPromptsBlocked',
          'HighFailureRate',
          'NoMessages',
          'NumbersDrift',
          'SlowReplies',
          'WebhookBacklog',
        ].sort(),
      );
      expect(loaded.every((r) => r.health === 'ok' || r.health === 'unknown')).toBe(true);
      expect(loaded.filter((r) => r.state === 'firing').map((r) => r.name)).toEqual([]);
    },
    120_000,
  );
});
