import type { FeedMessage } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { io, type Socket } from 'socket.io-client';

export interface BenchSystem {
  stack: Stack;
  cookie: string;
  /** a dashboard client on the admin's socket: every message:new it receives, with arrival time */
  onMessage(fn: (m: FeedMessage, at: number) => void): void;
  stop(): Promise<void>;
}

/** The real bot + admin (+ fake Graph API) on the benchmark database, and a dashboard socket client. */
export async function startBenchSystem(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<BenchSystem> {
  const stack = await startStack({
    databaseUrl,
    graphRecord: false,
    env: {
      LOG_LEVEL: 'warn',
      PIPELINE_CONCURRENCY: '1024',
      // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the services
      ...(process.env.BENCH_NODE_ARGS ? { BOTPULSE_NODE_ARGS: process.env.BENCH_NODE_ARGS } : {}),
      ...env,
    },
  });
  const cookie = await stack.login();
  const socket: Socket = io(`${stack.adminUrl}/dashboard`, {
    transports: ['websocket'],
    extraHeaders: { cookie },
  });
  const handlers: Array<(m: FeedMessage, at: number) => void> = [];
  socket.on('message:new', (e: { data: FeedMessage }) => {
    const at = performance.now();
    for (const h of handlers) h(e.data, at);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await socket.emitWithAck('subscribe', { type: 'subscribe', channels: ['messages'] });
  return {
    stack,
    cookie,
    onMessage: (fn) => handlers.push(fn),
    async stop() {
      socket.close();
      await stack.stop();
    },
  };
}
