import { type Db, getConversationsAfter } from '@botpulse/db';
import {
  type AdminToDashboardEvents,
  DASHBOARD_NAMESPACE,
  type DashboardToAdminEvents,
  envelope,
  type SubscribeAck,
} from '@botpulse/protocol';
import { subscribeRequestSchema } from '@botpulse/protocol/schemas';
import type { Logger } from '@botpulse/runtime';
import fastifyCookie from '@fastify/cookie';
import type { Namespace, Server } from 'socket.io';
import { SESSION_COOKIE, type SessionStore } from '../auth/sessions';
import type { DashboardState } from '../monitoring/dashboard-state';
import type { FeedTail } from '../monitoring/feed-tail';
import { originAllowed } from './origin';

interface DashboardSocketData {
  token: string;
  tokenHash: string;
  username: string;
}

export type DashboardNamespace = Namespace<
  DashboardToAdminEvents,
  AdminToDashboardEvents,
  Record<string, never>,
  DashboardSocketData
>;

export interface DashboardNamespaceDeps {
  db: Db;
  sessions: SessionStore;
  feed: FeedTail;
  state: DashboardState;
  log: Logger;
  origin: { trustProxy: boolean; allowedOrigins: string[]; publicUrl?: string | undefined };
}

/** A reconnecting client gets at most this many missed messages (its feed shows 50). */
const MAX_REPLAY = 5_000;
const REPLAY_PAGE = 500;
const REVALIDATE_MS = 30_000;

/**
 * Namespace /dashboard (the plan's /api/monitoring/stream): needs a session cookie and, when the
 * browser sends one, the admin's own Origin. After `subscribe` a client joins one room per channel;
 * with `since` it first receives the messages it missed, in order, with no gap and no duplicate.
 */
export function attachDashboardNamespace(io: Server, deps: DashboardNamespaceDeps): DashboardNamespace {
  const nsp = io.of(DASHBOARD_NAMESPACE) as unknown as DashboardNamespace;

  nsp.use(async (socket, next) => {
    const req = socket.request;
    const encrypted = Boolean((req.socket as { encrypted?: boolean }).encrypted);
    if (!originAllowed(req.headers, { ...deps.origin, encrypted })) {
      deps.log.warn({ origin: req.headers.origin }, 'refused a dashboard socket from a foreign origin');
      next(new Error('forbidden origin'));
      return;
    }
    const token = fastifyCookie.parse(req.headers.cookie ?? '')[SESSION_COOKIE];
    try {
      const session = await deps.sessions.validate(token);
      if (!session || !token) {
        next(new Error('unauthorized'));
        return;
      }
      socket.data = { token, tokenHash: session.tokenHash, username: session.username };
      next();
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'session check failed for a dashboard socket');
      next(new Error('unavailable'));
    }
  });

  nsp.on('connection', (socket) => {
    socket.on('subscribe', async (raw, ack) => {
      const reply = (res: SubscribeAck) => {
        if (typeof ack === 'function') ack(res);
      };
      const parsed = subscribeRequestSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        reply({ ok: false, error: `${issue.path.join('.') || 'subscribe'}: ${issue.message}` });
        return;
      }
      const { channels, since } = parsed.data;
      for (const room of socket.rooms) if (room !== socket.id) socket.leave(room);
      let replayed = 0;
      try {
        if (channels.includes('messages')) replayed = await joinMessages(socket, since);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'replay of missed messages failed');
        reply({ ok: false, error: 'could not replay missed messages, retry' });
        return;
      }
      for (const ch of channels) if (ch !== 'messages') socket.join(ch);
      // A fresh subscriber gets the current state at once.
      const update = deps.state.metricsUpdate();
      if (channels.includes('metrics')) socket.emit('metrics:update', envelope('metrics:update', update));
      if (channels.includes('health'))
        socket.emit('health:changed', envelope('health:changed', deps.state.health(update.instances)));
      reply({ ok: true, channels, replayed, last_id: deps.feed.lastId });
    });
  });

  /**
   * Sends what came after `since` up to what the live feed has already emitted, then joins the
   * room in the same tick as the last check, so the live feed takes over exactly where the replay ends.
   */
  async function joinMessages(
    socket: Parameters<Parameters<DashboardNamespace['on']>[1]>[0],
    since: number | undefined,
  ) {
    if (since === undefined) {
      socket.join('messages');
      return 0;
    }
    let cursor = Math.max(since, deps.feed.lastId - MAX_REPLAY);
    let replayed = 0;
    for (;;) {
      if (cursor >= deps.feed.lastId) {
        socket.join('messages');
        return replayed;
      }
      const rows = await getConversationsAfter(deps.db, { afterId: cursor, limit: REPLAY_PAGE });
      if (rows.length === 0) {
        cursor = deps.feed.lastId;
        continue;
      }
      const before = cursor;
      for (const m of rows) {
        if (m.id > deps.feed.lastId) break;
        socket.emit('message:new', envelope('message:new', m));
        cursor = m.id;
        replayed++;
      }
      // Nothing at or below the live feed's position is left: the live feed carries on from here.
      if (cursor === before) cursor = deps.feed.lastId;
    }
  }

  // Sessions end (logout, password change, expiry) while sockets stay open: re-check them.
  const timer = setInterval(async () => {
    for (const socket of await nsp.local.fetchSockets()) {
      const still = await deps.sessions.validate(socket.data.token).catch(() => 'error' as const);
      if (still === undefined) socket.disconnect(true);
    }
  }, REVALIDATE_MS);
  timer.unref();
  nsp.server.engine.on('close', () => clearInterval(timer));

  return nsp;
}

/** Ends the open sockets of one session at once (logout). */
export async function disconnectSession(nsp: DashboardNamespace, tokenHash: string): Promise<void> {
  for (const socket of await nsp.local.fetchSockets())
    if (socket.data.tokenHash === tokenHash) socket.disconnect(true);
}
