import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, ROOT } from '@botpulse/tools/testing';
import type { Results } from '../lib/report';
import { progress } from '../lib/report';

/**
 * Bot process RSS growth after 10M messages from 1M distinct users (--quick: 1M from 100k), through
 * the real bot service's monitoring path in its own process, measured after GC.
 */
export async function benchBotMemory(databaseUrl: string, quick: boolean): Promise<Results> {
  const messages = quick ? 1_000_000 : 10_000_000;
  const users = quick ? 100_000 : 1_000_000;
  const port = await freePort();
  const adminPort = await freePort();
  const out = await new Promise<string>((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench/children/bot-memory.ts')],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: databaseUrl,
          BOT_PORT: String(port),
          ADMIN_URL: `http://127.0.0.1:${adminPort}`,
          INSTANCE_ID: 'bench-memory',
          DATA_DIR: join(ROOT, 'data', `bench-${randomBytes(4).toString('hex')}`),
          FB_APP_SECRET: randomBytes(16).toString('hex'),
          FB_VERIFY_TOKEN: 'bench',
          INTERNAL_SECRET: randomBytes(16).toString('hex'),
          DEBUG_TOKEN: randomBytes(16).toString('hex'),
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          BENCH_MESSAGES: String(messages),
          BENCH_USERS: String(users),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      const n = Number(text.trim().split('\n').at(-1));
      if (Number.isFinite(n))
        progress(`bot memory: ${n.toLocaleString('en')} / ${messages.toLocaleString('en')} messages`);
    });
    proc.on('exit', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`bot memory child exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  const line = out.trim().split('\n').at(-1)!;
  const r = JSON.parse(line) as { before: number; after: number; growth: number; collector_mb: number };
  console.log(
    `\n  bot RSS ${r.before.toFixed(0)} MB → ${r.after.toFixed(0)} MB after GC (collector holds ${r.collector_mb.toFixed(1)} MB)`,
  );
  return { bot_rss_growth_mb_1m_users: r.growth };
}
