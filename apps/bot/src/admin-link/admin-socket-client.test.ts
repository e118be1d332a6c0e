import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BOTS_NAMESPACE,
  type ErrorEvent,
  type FeedMessage,
  type ProcessedMessage,
  toFeedMessage,
} from '@botpulse/protocol';
import { createLogger } from '@botpulse/runtime';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminSocketClient } from './admin-socket-client';

const log = createLogger('test', 'silent');
const AUTH = { service: 'bot' as const, secret: 's', instanceId: 'bot-t' };

/** A real Socket.io server on /bots recording what arrives, in order. */
async function admin(port = 0) {
  const http: HttpServer = createServer();
  const io = new Server(http);
  const got: Array<{ event: string; data: unknown }> = [];
  io.of(BOTS_NAMESPACE).on('connection', (socket) => {
    socket.onAny((event: string, data: unknown) => got.push({ event, data }));
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    got,
    port: (http.address() as AddressInfo).port,
    /** what the admin tells every bot */
    broadcast: (event: string, data: unknown) => io.of(BOTS_NAMESPACE).emit(event, data),
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** message `id` as the monitor hands it over: the pipeline's message, its feed fields picked */
const message = (id: number, user = 'u1'): FeedMessage => {
  const processed: ProcessedMessage = {
    id,
    mid: `m_${id}`,
    user_id: user,
    user_name: 'Ann Lee',
    message_text: `hello #${id}`,
    reply_text: 'hi',
    timestamp: '2026-12-06T03:00:00.000Z',
    response_time: 12.5,
    instance_id: 'bot-t',
    status: 'replied',
    kind: 'text',
  };
  return toFeedMessage(processed);
};
/** the batch the admin must get for these ids: the ids, and each message's feed fields */
const batch = (ids: number[], user = 'u1') => ({
  ids,
  messages: ids.map((id) => message(id, user)),
});

const failure = (mid: string): ErrorEvent => ({
  instance_id: 'bot-t',
  stage: 'send',
  dependency: 'facebook',
  message: 'boom',
  mid,
  at: '2026-12-06T03:00:00.000Z',
});

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('AdminSocketClient batching', () => {
  it('sends processed messages as one messages:processed, before any later event', async () => {
    const server = await admin();
    cleanup.push(server.close);
    const link = new AdminSocketClient(`http://127.0.0.1:${server.port}`, AUTH, log);
    cleanup.push(() => link.close());
    await until(() => link.statsSnapshot.connected, 'the link');

    for (const id of [11, 12, 13]) link.processed(message(id));
    link.emit('error:occurred', failure('m_4'));
    link.processed(message(14));
    link.processed(message(15));
    await until(() => server.got.length === 3, 'three events');
    expect(server.got).toEqual([
      { event: 'messages:processed', data: batch([11, 12, 13]) },
      { event: 'error:occurred', data: failure('m_4') },
      { event: 'messages:processed', data: batch([14, 15]) },
    ]);
  });

  it('buffers while the admin is away, counting messages, drops the oldest beyond the bound, sends in order on connect (as ids only)', async () => {
    // A port with nothing behind it yet: take one, close it, start the admin there later.
    const probe = await admin();
    const port = probe.port;
    await probe.close();
    const link = new AdminSocketClient(`http://127.0.0.1:${port}`, AUTH, log, 25);
    cleanup.push(() => link.close());

    for (let id = 1; id <= 20; id++) link.processed(message(id));
    link.emit('error:occurred', failure('m_x'));
    for (let id = 21; id <= 30; id++) link.processed(message(id));
    // Flushed into the buffer after at most 100 ms, merged into the batch waiting there.
    await until(() => link.statsSnapshot.buffered === 25, 'the buffer to fill');
    expect(link.statsSnapshot).toMatchObject({ connected: false, buffered: 25, dropped: 6 });

    const server = await admin(port);
    cleanup.push(server.close);
    await until(() => link.statsSnapshot.connected && server.got.length === 3, 'the reconnect and flush');
    expect(server.got).toEqual([
      { event: 'messages:processed', data: { ids: [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20] } },
      { event: 'error:occurred', data: failure('m_x') },
      { event: 'messages:processed', data: { ids: [21, 22, 23, 24, 25, 26, 27, 28, 29, 30] } },
    ]);
    expect(link.statsSnapshot).toMatchObject({ buffered: 0, dropped: 6 });
  });

  it('does not report the pending messages of a user deleted meanwhile', async () => {
    const server = await admin();
    cleanup.push(server.close);
    // A long flush interval, so that the deletion surely arrives while the batch is pending.
    const link = new AdminSocketClient(`http://127.0.0.1:${server.port}`, AUTH, log, 10_000, 3_000);
    cleanup.push(() => link.close());
    await until(() => link.statsSnapshot.connected, 'the link');
    let told = false;
    link.onCountsStale(() => {
      told = true;
    });

    // Pending (not flushed yet): 1 and 3 are u1's, 2 is u2's.
    link.processed(message(1, 'u1'));
    link.processed(message(2, 'u2'));
    link.processed(message(3, 'u1'));
    server.broadcast('user:deleted', { user_id: 'u1', deleted_messages: 2 });
    await until(() => told, 'the deletion to arrive');
    expect(server.got).toEqual([]);
    await until(() => server.got.length === 1, 'the batch');
    expect(server.got).toEqual([{ event: 'messages:processed', data: batch([2], 'u2') }]);
  });

  it('splits a burst of long texts into frames the admin accepts (under the 1 MB of a Socket.io frame)', async () => {
    const server = await admin();
    cleanup.push(server.close);
    const link = new AdminSocketClient(`http://127.0.0.1:${server.port}`, AUTH, log);
    cleanup.push(() => link.close());
    await until(() => link.statsSnapshot.connected, 'the link');

    // 300 messages of 2,000 control characters, each escaped to 6 bytes in JSON: 3.6 MB in all.
    const long = '\u0001'.repeat(2000);
    for (let id = 1; id <= 300; id++)
      link.processed({ ...message(id), message_text: long, reply_text: long });
    await until(
      () => server.got.flatMap((g) => (g.data as { ids: number[] }).ids).length === 300,
      'all 300 messages',
    );
    expect(server.got.length).toBeGreaterThan(4);
    // One message too large for any frame (150,000 escaped characters) goes by id: the admin reads it.
    link.processed({ ...message(301), message_text: '\u0001'.repeat(150_000) });
    link.processed(message(302));
    await until(() => server.got.some((g) => (g.data as { ids: number[] }).ids.includes(302)), 'message 302');
    expect(server.got.slice(-2).map((g) => g.data)).toEqual([{ ids: [301] }, batch([302])]);
    for (const g of server.got) expect(JSON.stringify(g.data).length).toBeLessThan(1_000_000);
    expect(link.statsSnapshot).toMatchObject({ connected: true, reconnects: 0 });
  });
});
