/**
 * Runs inside its own bot process (started by cases/memory.ts with --expose-gc): the real bot
 * service (buildBot: collector, Prometheus registry, SSE hub, admin link with its bounded buffer,
 * pipeline) and then N processed messages from U distinct users through its Monitor — the state
 * that grows with traffic. Prints one JSON line with RSS before and after (after GC).
 */
import { createLogger } from '@botpulse/runtime';
import { buildBot } from '../../apps/bot/src/app';
import { loadBotConfig } from '../../apps/bot/src/config';

const messages = Number(process.env.BENCH_MESSAGES ?? 10_000_000);
const users = Number(process.env.BENCH_USERS ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const rssMb = () => {
  gc();
  gc();
  return process.memoryUsage().rss / 1024 / 1024;
};

const config = loadBotConfig();
const bot = await buildBot(config, createLogger('bot', 'warn'));
await bot.start();

const nowMs = Date.now();
const feed = (count: number, userOffset: number, userCount: number) => {
  for (let i = 0; i < count; i++) {
    const user = String(6_512_000_000_000_000 + ((i % userCount) + userOffset) * 7_919);
    bot.monitor.stored(
      {
        id: i + 1,
        mid: `m_mem_${userOffset}_${i}`,
        user_id: user,
        user_name: 'Bench User',
        message_text: 'How much does a check-up cost?',
        reply_text: 'Our prices start at 45 €.',
        kind: 'text',
        timestamp: new Date(nowMs - 3_600_000 + Math.floor((i / count) * 3_600_000)).toISOString(),
        response_time: 120 + (i % 500),
        status: 'replied',
        instance_id: config.instanceId,
      },
      {
        newUser: i < userCount,
        stages: { queueMs: 0, profileMs: 0, generateMs: 1, sendMs: 5, storeMs: 2 },
        genAi: null,
        timestampMs: nowMs - 3_600_000 + Math.floor((i / count) * 3_600_000),
      },
    );
    if (i % 1_000_000 === 0 && i > 0) process.stderr.write(`${i}\n`);
  }
};

// Warm-up: JIT, the admin link's bounded buffer filled, Prometheus label sets created.
feed(200_000, 50_000_000, 100_000);
const before = rssMb();
feed(messages, 0, users);
const after = rssMb();
console.log(
  JSON.stringify({
    before,
    after,
    growth: after - before,
    collector_mb: bot.monitor.metrics().system.collector_memory_kb / 1024,
  }),
);
await bot.stop(1_000);
process.exit(0);
