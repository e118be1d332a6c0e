import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidSignature } from '../messenger/sign';
import { eventKind, type WebhookBody } from '../messenger/types';
import { BotUnreachableError } from './reachability';
import { runSimulation } from './run';
import type { ProgressSnapshot } from './stats';

const SECRET = 'simulator-test-secret';

interface Received {
  path: string;
  validSignature: boolean;
  body: WebhookBody;
  raw: string;
}

/** Stands in for the bot: checks every signature, keeps every body, answers like the bot would. */
async function startTestBot(options: { status?: number; delayMs?: number } = {}) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(403).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-hub-signature-256'];
      const validSignature = isValidSignature(raw, Array.isArray(header) ? header[0] : header, SECRET);
      received.push({ path: req.url ?? '', validSignature, body: JSON.parse(raw) as WebhookBody, raw });
      const answer = () => res.writeHead(options.status ?? 200).end('EVENT_RECEIVED');
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, received, stop };
}

let stopBot: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopBot?.();
  stopBot = undefined;
});

async function bot(options?: { status?: number; delayMs?: number }) {
  const b = await startTestBot(options);
  stopBot = b.stop;
  return b;
}

describe('runSimulation', () => {
  it('sends signed traffic at the requested rate with a realistic mix', async () => {
    const b = await bot();
    const progress: ProgressSnapshot[] = [];
    const summary = await runSimulation({
      url: b.url,
      secret: SECRET,
      mode: 'load',
      ratePerMinute: 11_000, // ~183 messages/s: a fractional gap, as real rates have
      durationMs: 3_000,
      users: 300,
      progressIntervalMs: 500,
      onProgress: (p) => progress.push(p),
    });

    // Rate: open-loop scheduling hits the target closely.
    expect(summary.achievedRatePerMinute).toBeGreaterThan(11_000 * 0.95);
    expect(summary.achievedRatePerMinute).toBeLessThan(11_000 * 1.05);
    expect(summary.userMessages).toBeGreaterThan(500);

    // Every POST arrived at /webhook, signed over its exact bytes; the summary agrees with the bot.
    expect(b.received.length).toBe(summary.posts);
    expect(b.received.every((r) => r.path === '/webhook' && r.validSignature)).toBe(true);
    expect(summary).toMatchObject({ acked: summary.posts, non2xx: 0, failed: 0, timeouts: 0, dropped: 0 });
    expect(summary.latencyMs!.p50).toBeGreaterThan(0);
    expect(summary.latencyMs!.p99).toBeGreaterThanOrEqual(summary.latencyMs!.p95);

    // The mix: user messages of every kind plus echoes; several events per POST sometimes.
    const events = b.received.flatMap((r) => r.body.entry.flatMap((e) => e.messaging));
    const kinds = new Set(events.map(eventKind));
    for (const kind of ['text', 'attachment', 'postback', 'echo'] as const) expect(kinds).toContain(kind);
    expect(b.received.some((r) => r.body.entry.flatMap((e) => e.messaging).length > 1)).toBe(true);
    expect(b.received.every((r) => r.body.object === 'page')).toBe(true);
    // Meta's times are whole epoch milliseconds; a fractional one is rejected by a strict bot.
    const times = b.received.flatMap((r) =>
      r.body.entry.flatMap((e) => [
        e.time,
        ...e.messaging.flatMap((m) => [
          'timestamp' in m ? m.timestamp : 0,
          'delivery' in m ? m.delivery.watermark : 'read' in m ? m.read.watermark : 0,
        ]),
      ]),
    );
    expect(times.every(Number.isInteger)).toBe(true);

    // Duplicates: the same body (same mids) delivered again, about 1% of user messages.
    const bodies = new Map<string, number>();
    for (const r of b.received) bodies.set(r.raw, (bodies.get(r.raw) ?? 0) + 1);
    const replays = [...bodies.values()].reduce((n, c) => n + c - 1, 0);
    expect(summary.duplicates).toBeGreaterThanOrEqual(replays);
    expect(summary.duplicates / summary.userMessages).toBeLessThan(0.04);

    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)!.acked).toBe(summary.acked);
  });

  it('re-delivers the same mid at the configured duplicate share', async () => {
    const b = await bot();
    const summary = await runSimulation({
      url: b.url,
      secret: SECRET,
      mode: 'load',
      ratePerMinute: 6_000,
      durationMs: 2_000,
      mix: { duplicate: 0.25, echo: 0 },
      // Replays come 0.2-3 s later; keep the run long enough that most fall inside it.
    });
    const mids = new Map<string, number>();
    for (const r of b.received) {
      for (const e of r.body.entry.flatMap((x) => x.messaging)) {
        const mid = 'message' in e ? e.message.mid : 'postback' in e ? e.postback.mid : undefined;
        if (mid) mids.set(mid, (mids.get(mid) ?? 0) + 1);
      }
    }
    const repeated = [...mids.values()].filter((n) => n > 1).length;
    expect(repeated).toBeGreaterThan(0);
    expect(repeated / summary.userMessages).toBeGreaterThan(0.05);
    expect(repeated / summary.userMessages).toBeLessThan(0.35);
    expect(summary.duplicates).toBeGreaterThanOrEqual(repeated);
  });

  it('follows a Poisson rate in demo mode and stops on abort', async () => {
    const b = await bot();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_500);
    const summary = await runSimulation(
      { url: b.url, secret: SECRET, ratePerMinute: 2_400, rhythm: false, durationMs: 0 },
      { signal: controller.signal },
    );
    expect(summary.mode).toBe('demo');
    expect(summary.durationMs).toBeGreaterThan(1_400);
    expect(summary.durationMs).toBeLessThan(2_500);
    // 40/s for 1.5 s: 60 expected; Poisson noise stays well within this.
    expect(summary.userMessages).toBeGreaterThan(30);
    expect(summary.userMessages).toBeLessThan(100);
  });

  it('counts non-2xx answers (a bot refusing the signature)', async () => {
    const b = await bot({ status: 401 });
    const summary = await runSimulation({
      url: b.url,
      secret: SECRET,
      mode: 'load',
      ratePerMinute: 3_000,
      durationMs: 500,
    });
    expect(summary.posts).toBeGreaterThan(0);
    expect(summary.acked).toBe(0);
    expect(summary.non2xx).toBe(summary.posts);
    expect(summary.statuses['401']).toBe(summary.posts);
    expect(summary.latencyMs).toBeNull();
  });

  it('keeps the offered rate against a slow bot, dropping beyond maxInFlight', async () => {
    const b = await bot({ delayMs: 400 });
    const summary = await runSimulation({
      url: b.url,
      secret: SECRET,
      mode: 'load',
      ratePerMinute: 6_000,
      durationMs: 1_000,
      maxInFlight: 10,
      mix: { echo: 0 },
    });
    // 100 arrivals were offered; at most 10 at a time could wait 400 ms each.
    expect(summary.dropped).toBeGreaterThan(50);
    expect(summary.posts + summary.dropped).toBeGreaterThanOrEqual(95);
    expect(summary.latencyMs!.p50).toBeGreaterThanOrEqual(390);
  });

  it('rejects with BotUnreachableError when nothing listens', async () => {
    const b = await bot();
    await b.stop();
    stopBot = undefined;
    await expect(runSimulation({ url: b.url, secret: SECRET, durationMs: 1_000 })).rejects.toBeInstanceOf(
      BotUnreachableError,
    );
    await expect(runSimulation({ url: b.url, secret: SECRET, durationMs: 1_000 })).rejects.toThrow(
      /Cannot reach the bot/,
    );
  });
});
