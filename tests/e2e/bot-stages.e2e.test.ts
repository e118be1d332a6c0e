import { type BotMetrics, REPLY_STAGES } from '@botpulse/protocol';
import { entry, newMid, textMessage, webhookBody } from '@botpulse/tools/messenger';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPsid } from './helpers/bot';
import { scrape, sum } from './helpers/prometheus';

// A response time explained in full (issue #15): bursts from a few users against a Gemini that
// takes a fixed time. Each user's messages are answered one after another, so the later ones wait
// in the queue; the stages must add up to the response time and `queue` must show the wait.
const GEMINI_MS = 150;
const USERS = 3;
const BURST = 4;

interface StageRow {
  facebook_id: string;
  response_time_ms: number;
  queue_ms: number;
  profile_ms: number;
  generate_ms: number;
  send_ms: number;
  store_ms: number;
}

let stack: Stack;
let rows: StageRow[];
beforeAll(async () => {
  stack = await startStack({ admin: false, gemini: true });
  stack.gemini!.setLatency(GEMINI_MS);
  const psids = Array.from({ length: USERS }, () => newPsid());
  const now = Date.now();
  // One POST per user, each carrying a burst of messages (as Meta batches them).
  await Promise.all(
    psids.map(async (psid) => {
      const events = Array.from({ length: BURST }, (_, i) =>
        textMessage({ psid, text: `burst ${i}`, mid: newMid(), timestamp: now + i }),
      );
      const res = await stack.post(webhookBody([entry(events[0]!.recipient.id, events)]));
      expect(res.status).toBe(200);
    }),
  );
  rows = await stack.waitFor(
    async () => {
      const { rows } = await stack.db.query<StageRow>(
        `SELECT facebook_id, response_time_ms, queue_ms, profile_ms, generate_ms, send_ms, store_ms
           FROM conversations ORDER BY id`,
      );
      return rows.length === USERS * BURST ? rows : undefined;
    },
    'every burst answered',
    60_000,
  );
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const stageSum = (m: BotMetrics) => REPLY_STAGES.reduce((t, s) => t + m.stages[s].avg_ms, 0);

describe('response time stage by stage', () => {
  it('/debug/metrics: the stage averages add up to the average response time, queue shows the wait', async () => {
    const m = await stack.debug<BotMetrics>('/debug/metrics');
    expect(Object.keys(m.stages).sort()).toEqual([...REPLY_STAGES].sort());
    const avg = m.messages.avg_response_time;
    expect(Math.abs(stageSum(m) - avg) / avg).toBeLessThan(0.05);
    // Each user's k-th message waits behind k−1 replies of ≥ GEMINI_MS: on average ≥ 1.5 × GEMINI_MS.
    expect(m.stages.queue.avg_ms).toBeGreaterThan(1.2 * GEMINI_MS);
    expect(m.stages.generate.avg_ms).toBeGreaterThanOrEqual(GEMINI_MS * 0.95);
    expect(m.stages.other.avg_ms / avg).toBeLessThan(0.05);
    console.info(
      `avg ${avg.toFixed(1)} ms = ${REPLY_STAGES.map((s) => `${s} ${m.stages[s].avg_ms.toFixed(1)}`).join(' + ')}`,
    );
  });

  it('each conversation row keeps its stage times, and they explain its response time', () => {
    for (const r of rows) {
      const named = r.queue_ms + r.profile_ms + r.generate_ms + r.send_ms + r.store_ms;
      expect(named).toBeLessThanOrEqual(r.response_time_ms + 0.001);
      expect(named / r.response_time_ms).toBeGreaterThan(0.95);
    }
    // The last of each user's burst waited behind the three before it.
    for (const psid of new Set(rows.map((r) => r.facebook_id))) {
      const mine = rows.filter((r) => r.facebook_id === psid);
      expect(mine.at(-1)!.queue_ms).toBeGreaterThan(2.5 * GEMINI_MS);
    }
  });

  it('the Prometheus histogram labels the same stages, and they add up to the response time', async () => {
    const { samples } = await scrape(stack);
    const stages = new Set(
      samples.filter((s) => s.name === 'botpulse_stage_duration_seconds_count').map((s) => s.labels.stage),
    );
    expect([...stages].sort()).toEqual([...REPLY_STAGES].sort());
    const total = sum(samples, 'botpulse_response_time_seconds_sum');
    const parts = sum(samples, 'botpulse_stage_duration_seconds_sum');
    expect(Math.abs(parts - total) / total).toBeLessThan(0.05);
    expect(sum(samples, 'botpulse_stage_duration_seconds_count', { stage: 'queue' })).toBe(USERS * BURST);
  });

  it('after a restart the breakdown is rebuilt from the stored rows and still adds up', async () => {
    await stack.restartBot(stack.bots[0]!);
    const m = await stack.debug<BotMetrics>('/debug/metrics');
    const avg = m.messages.avg_response_time;
    expect(avg).toBeGreaterThan(0);
    expect(Math.abs(stageSum(m) - avg) / avg).toBeLessThan(0.05);
    expect(m.stages.queue.avg_ms).toBeGreaterThan(1.2 * GEMINI_MS);
  });
});
