import { readFileSync } from 'node:fs';
import type {
  AdminToBotEvents,
  AdminToDashboardEvents,
  BotToAdminEvents,
  DashboardToAdminEvents,
  Envelope,
  SubscribeAck,
  SubscribeRequest,
} from '@botpulse/protocol';
import type { Stack } from '@botpulse/tools/testing';
import { io, type Socket } from 'socket.io-client';

// Helpers shared by the admin end-to-end suites (tests/e2e/admin-*.e2e.test.ts): real
// socket.io-client connections, a strict RFC 4180 reader, a process's resident memory.

export type DashboardSocket = Socket<AdminToDashboardEvents, DashboardToAdminEvents>;
export type BotSocket = Socket<AdminToBotEvents, BotToAdminEvents>;

const socketOptions = {
  transports: ['websocket'],
  reconnection: false,
  autoConnect: false,
  forceNew: true,
  timeout: 10_000,
};

export function dashboardSocket(stack: Stack, headers: Record<string, string> = {}): DashboardSocket {
  return io(`${stack.adminUrl}/dashboard`, { ...socketOptions, extraHeaders: headers });
}

export function botSocket(stack: Stack, auth: Record<string, unknown>): BotSocket {
  return io(`${stack.adminUrl}/bots`, { ...socketOptions, auth });
}

/** Connects; resolves with the handshake's outcome (the connect_error message when refused). */
export function connect(socket: Socket): Promise<{ ok: true } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    const done = (r: { ok: true } | { ok: false; message: string }) => {
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      resolve(r);
    };
    const onConnect = () => done({ ok: true });
    const onError = (err: Error) => done({ ok: false, message: err.message });
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
    socket.connect();
  });
}

export function subscribe(
  socket: DashboardSocket,
  req: Omit<SubscribeRequest, 'type'>,
): Promise<SubscribeAck> {
  return socket.timeout(15_000).emitWithAck('subscribe', { type: 'subscribe', ...req });
}

/** Every envelope of one event a dashboard socket receives, in arrival order, with the arrival time. */
export function record<E extends keyof AdminToDashboardEvents>(
  socket: DashboardSocket,
  event: E,
): Array<{ at: number; envelope: Parameters<AdminToDashboardEvents[E]>[0] }> {
  const seen: Array<{ at: number; envelope: Parameters<AdminToDashboardEvents[E]>[0] }> = [];
  const listener = (e: Parameters<AdminToDashboardEvents[E]>[0]) => {
    seen.push({ at: performance.now(), envelope: e });
  };
  // socket.io's typed `on` cannot relate a generic event name to its listener.
  (socket.on as (ev: string, fn: (e: Parameters<AdminToDashboardEvents[E]>[0]) => void) => void)(
    event,
    listener,
  );
  return seen;
}

export function isEnvelope(v: Envelope<string, unknown>, type: string): boolean {
  return (
    v.type === type &&
    typeof v.data === 'object' &&
    v.data !== null &&
    typeof v.timestamp === 'string' &&
    !Number.isNaN(Date.parse(v.timestamp)) &&
    Object.keys(v).sort().join() === 'data,timestamp,type'
  );
}

export async function count(stack: Stack, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** Cookie header value from a response's Set-Cookie lines. */
export function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

export async function login(stack: Stack, username: string, password: string): Promise<Response> {
  return fetch(`${stack.adminUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** Resident set size of a process, in MB (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) / 1024;
}

/** Nearest-rank percentile of a sample. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
