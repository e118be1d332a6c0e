import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPsid, postText } from './helpers/bot';
import { parseExposition } from './helpers/prometheus';

// Prometheus conventions (issue #15): off-the-shelf dashboards and rules must work on both
// /metrics, so `promtool check metrics` (Debian package `prometheus`) must find nothing in them.
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

/**
 * promtool's complaints about our own families (`botpulse_*`), one per line (empty when clean).
 * prom-client's standard `nodejs_active_*_total` gauges keep their upstream names on purpose, so
 * ready-made Node.js dashboards find them; promtool's only remarks are about those.
 */
function promtoolProblems(exposition: string): string[] {
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (run.error) throw run.error;
  return `${run.stdout}\n${run.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^nodejs_active_(handles|requests|resources)_total /.test(l));
}

describe('Prometheus conventions on /metrics', () => {
  let stack: Stack;
  const scrapeText = async (url: string) => {
    const res = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    stack = await startStack();
    await stack.login();
    for (let i = 0; i < 3; i++) await postText(stack, newPsid(), `prom ${i}`);
    await stack.waitFor(async () => (await stack.conversations()).length === 3, 'three messages stored');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('promtool is installed (CI installs the Debian package prometheus)', () => {
    expect(existsSync(PROMTOOL), PROMTOOL).toBe(true);
  });

  for (const target of ['bot', 'admin'] as const) {
    it(`promtool check metrics reports nothing on the ${target}'s /metrics`, async () => {
      const text = await scrapeText(target === 'bot' ? stack.bots[0]!.url : stack.adminUrl);
      expect(promtoolProblems(text)).toEqual([]);

      const { samples, types } = parseExposition(text);
      // Default metrics keep their standard names: ready-made Node.js dashboards find them.
      for (const name of [
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
      ]) {
        expect(
          samples.some((s) => s.name === name),
          name,
        ).toBe(true);
      }
      expect(samples.some((s) => /^botpulse_(bot|admin)_(process|nodejs)_/.test(s.name))).toBe(false);
      // Only counters end in _total (our families); Prometheus owns `instance` and `job`.
      for (const [name, type] of types) {
        if (!name.startsWith('botpulse_')) continue;
        if (name.endsWith('_total')) expect(type, name).toBe('counter');
        if (type === 'counter') expect(name, name).toMatch(/_total$/);
      }
      for (const s of samples) {
        expect(Object.keys(s.labels), s.name).not.toContain('instance');
        expect(Object.keys(s.labels), s.name).not.toContain('job');
      }
    });
  }

  it('what only grows is a counter', async () => {
    const bot = parseExposition(await scrapeText(stack.bots[0]!.url)).types;
    expect(bot.get('botpulse_admin_link_dropped_events_total')).toBe('counter');
    expect(bot.get('botpulse_admin_link_reconnects_total')).toBe('counter');
    const admin = parseExposition(await scrapeText(stack.adminUrl)).types;
    expect(admin.get('botpulse_accuracy_checks_total')).toBe('counter');
    expect(admin.get('botpulse_accuracy_drifts_total')).toBe('counter');
  });
});
