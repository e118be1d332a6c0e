import type { AdminToDashboardEvents, DashboardToAdminEvents, SubscribeAck } from '@botpulse/protocol';
import { type ServiceProcess, type Stack, startStack } from '@botpulse/tools/testing';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, countRows, newPsid, textBody, waitForConversations } from './helpers/bot';

// Graceful shutdown: SIGTERM makes the bot finish what it acknowledged before it exits (0), the same
// request delivered twice is still one stop, a second SIGTERM later cuts the drain short without
// losing anything (the inbox keeps it for the next start), and the admin stops cleanly with
// dashboards and API clients connected.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const BOT_DRAIN_MS = 10_000; // apps/bot/src/app.ts: stop(drainMs = 10_000)
const sendCalls = (psids: string[]) =>
  stack
    .graph!.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/me/messages'))
    .filter((r) => psids.includes((r.body as { recipient: { id: string } }).recipient.id));

/** Waits for a line matching `re` printed after line number `from` (earlier runs of the process are kept). */
function lineAfter(proc: ServiceProcess, from: number, re: RegExp, timeoutMs = 5_000): Promise<string> {
  return stack.waitFor(
    () => proc.lines.slice(from).find((l) => re.test(l)),
    `${proc.name}: ${re}`,
    timeoutMs,
  );
}

/** Log lines at level error (50) or fatal (60). */
function errorLines(lines: string[]): string[] {
  return lines.filter((l) => {
    try {
      return (JSON.parse(l) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
}

/** One delivery attempt: the HTTP status, or 0 when the connection was refused or reset. */
async function deliver(body: Parameters<Stack['post']>[0]): Promise<number> {
  try {
    return (await stack.post(body, { timeoutMs: 5_000 })).status;
  } catch {
    return 0;
  }
}

describe('the bot on SIGTERM', () => {
  it('answers and stores every acknowledged message before it exits 0', async () => {
    const bot = stack.bots[0]!;
    const N = 20;
    const posts = Array.from({ length: N }, (_, i) => {
      const psid = newPsid();
      return { psid, ...textBody(psid, `drain ${i}: can I book for tomorrow?`) };
    });
    // Every Graph call (profile, Send API) takes 2 s: the replies are all in flight at the SIGTERM.
    stack.graph!.setLatency(2_000);
    try {
      const statuses = await Promise.all(posts.map((p) => deliver(p.body)));
      expect(statuses).toEqual(posts.map(() => 200));
      expect(
        await conversations(
          stack,
          posts.map((p) => p.mid),
        ),
      ).toEqual([]);

      const from = bot.process.lines.length;
      const stopping = performance.now();
      const exit = bot.process.stop('SIGTERM', 30_000);
      await lineAfter(bot.process, from, /"shutting down"/);
      // The same request delivered twice (a signal to the whole process group, relayed once more by
      // npm or a process manager) is one stop, not "stop now".
      process.kill(bot.process.pid!, 'SIGINT');
      await lineAfter(bot.process, from, /already shutting down/);
      // A webhook arriving during the drain is not acknowledged (Meta delivers it again later).
      const late = textBody(newPsid(), 'sent while the bot drains');
      const lateStatus = await deliver(late.body);
      expect(lateStatus).not.toBe(200);
      expect(await exit).toEqual({ code: 0, signal: null });
      const drainMs = performance.now() - stopping;
      // It waited for the slow replies (profile 2 s + send 2 s), within its drain time.
      expect(drainMs).toBeGreaterThan(3_000);
      expect(drainMs).toBeLessThan(BOT_DRAIN_MS + 3_000);

      // Everything was done by the process that was told to stop: read straight from the database.
      const rows = await conversations(
        stack,
        posts.map((p) => p.mid),
      );
      expect(rows).toHaveLength(N);
      for (const row of rows) expect(row.status).toBe('replied');
      const sent = stack.graph!.sent();
      for (const p of posts) {
        const row = rows.find((r) => r.mid === p.mid)!;
        expect(sent.filter((s) => s.recipientId === p.psid).map((s) => s.text)).toEqual([row.reply_text]);
      }
      expect(
        await countRows(
          stack,
          'SELECT count(*) AS n FROM inbox WHERE dedup_key = ANY ($1) AND processed_at IS NULL',
          [posts.map((p) => p.mid)],
        ),
      ).toBe(0);
      expect(await conversations(stack, [late.mid])).toEqual([]);
      console.log(
        `[shutdown] ${N} messages sent, ${N} acknowledged, ${rows.length} stored and answered during a ` +
          `${(drainMs / 1000).toFixed(1)} s drain; a webhook during the drain got ${lateStatus || 'a refused connection'}`,
      );

      // Meta's retry of the late one is taken by the next bot.
      stack.graph!.setLatency(0);
      await stack.restartBot(bot);
      expect(await deliver(late.body)).toBe(200);
      const [lateRow] = await waitForConversations(stack, [late.mid]);
      expect(lateRow!.status).toBe('replied');
    } finally {
      stack.graph!.setLatency(0);
    }
  }, 60_000);

  it('a second SIGTERM (2 s or more later) cuts a long drain short; the next start answers what was left', async () => {
    const bot = stack.bots[0]!;
    const posts = Array.from({ length: 5 }, (_, i) => {
      const psid = newPsid();
      return { psid, ...textBody(psid, `cut short ${i}: is anyone there?`) };
    });
    const psids = posts.map((p) => p.psid);
    const mids = posts.map((p) => p.mid);
    // The Send API hangs: the drain would last the bot's whole drain time.
    stack.graph!.setFault({ kind: 'timeout', paths: 'send' });
    try {
      for (const p of posts) expect(await deliver(p.body)).toBe(200);
      await stack.waitFor(
        () => sendCalls(psids).length === posts.length,
        'the replies hanging in the Send API',
      );

      const from = bot.process.lines.length;
      const exit = bot.process.stop('SIGTERM', 30_000);
      await lineAfter(bot.process, from, /"shutting down"/);
      // A signal within 2 s of the first counts as the same one (see the test above).
      await new Promise((r) => setTimeout(r, 2_200));
      expect(bot.process.running).toBe(true); // still draining
      const second = performance.now();
      process.kill(bot.process.pid!, 'SIGTERM');
      const result = await exit;
      const exitMs = performance.now() - second;
      expect(exitMs).toBeLessThan(3_000);
      // Not a clean stop: it says so, and does not claim the drain finished.
      expect(result).toEqual({ code: 1, signal: null });
      await lineAfter(bot.process, from, /second signal, exiting now/, 1_000);

      // Nothing answered, nothing lost: the acknowledged events wait in the inbox.
      expect(await conversations(stack, mids)).toEqual([]);
      expect(
        await countRows(
          stack,
          'SELECT count(*) AS n FROM inbox WHERE dedup_key = ANY ($1) AND processed_at IS NULL',
          [mids],
        ),
      ).toBe(posts.length);
      console.log(
        `[shutdown] second SIGTERM: exited with code ${result.code} ` +
          `${exitMs.toFixed(0)} ms later with ${posts.length} acknowledged messages left in the inbox`,
      );
    } finally {
      stack.graph!.setFault(null);
    }

    await stack.restartBot(bot);
    const rows = await waitForConversations(stack, mids, 30_000);
    for (const row of rows) expect(row.status).toBe('replied');
    expect(
      await countRows(stack, 'SELECT count(*) AS n FROM conversations WHERE mid = ANY ($1)', [mids]),
    ).toBe(posts.length);
    // Each user got exactly one reply: the hung calls never reached anyone.
    const sent = stack.graph!.sent();
    for (const p of posts) {
      const row = rows.find((r) => r.mid === p.mid)!;
      expect(sent.filter((s) => s.recipientId === p.psid).map((s) => s.text)).toEqual([row.reply_text]);
    }
  }, 60_000);
});

describe('the admin on SIGTERM', () => {
  it('exits 0 with dashboards and API clients connected: no 500, sockets closed', async () => {
    const admin = stack.admin!;
    const cookie = await stack.login();
    const socket: Socket<AdminToDashboardEvents, DashboardToAdminEvents> = io(`${stack.adminUrl}/dashboard`, {
      transports: ['websocket'],
      extraHeaders: { cookie, origin: stack.adminUrl },
      reconnection: false,
    });
    const disconnected = new Promise<string>((resolve) =>
      socket.once('disconnect', (reason) => resolve(reason)),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const ack = await socket
      .timeout(10_000)
      .emitWithAck('subscribe', { type: 'subscribe', channels: ['metrics', 'messages', 'health'] });
    expect((ack as SubscribeAck).ok).toBe(true);

    // API clients keep asking while the admin stops.
    const statuses: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        try {
          const res = await fetch(`${stack.adminUrl}/api/monitoring/dashboard`, {
            headers: { cookie },
            signal: AbortSignal.timeout(5_000),
          });
          await res.arrayBuffer();
          statuses.push(res.status);
        } catch {
          statuses.push(0); // refused once it stopped listening
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();
    await stack.waitFor(() => statuses.length >= 3, 'a few API answers');

    const stopping = performance.now();
    const exit = await admin.stop('SIGTERM', 20_000);
    const stopMs = performance.now() - stopping;
    polling = false;
    await poll;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(5_000);
    expect(await disconnected).toMatch(/transport close|io server disconnect/);
    socket.close();
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses).toContain(200);
    // Nothing went wrong on the way out.
    expect(errorLines(admin.lines)).toEqual([]);
    expect(admin.lines.some((l) => l.includes('"shutting down"'))).toBe(true);
    console.log(
      `[shutdown] admin stopped in ${stopMs.toFixed(0)} ms; API answers during the stop: ` +
        `${[...new Set(statuses)].map((s) => `${s || 'refused'} ×${statuses.filter((x) => x === s).length}`).join(', ')}`,
    );
  }, 60_000);
});
