import type {
  AdminToBotEvents,
  BotMetrics,
  BotToAdminEvents,
  ErrorEvent,
  HealthReport,
} from '@botpulse/protocol';
import { BOTS_NAMESPACE } from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import { safeEqual } from '@botpulse/runtime';
import type { Server } from 'socket.io';
import type { FeedTail } from '../monitoring/feed-tail';
import type { InstanceRegistry } from '../monitoring/instance-registry';

const INSTANCE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

interface BotSocketData {
  instanceId: string;
}

export interface BotsNamespaceDeps {
  internalSecret: string;
  registry: InstanceRegistry;
  feed: FeedTail;
  log: Logger;
  onMessage: () => void;
  onMetrics: (instanceId: string, m: BotMetrics) => void;
  onHealth: (instanceId: string, h: HealthReport) => void;
  onPresence: (instanceId: string, connected: boolean) => void;
  onError: (e: ErrorEvent) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Namespace /bots: bots connect with the internal secret (refused at the handshake otherwise) and
 * report metrics, processed messages, health changes and errors.
 */
export function attachBotsNamespace(io: Server, deps: BotsNamespaceDeps) {
  const nsp = io.of(BOTS_NAMESPACE) as unknown as import('socket.io').Namespace<
    BotToAdminEvents,
    AdminToBotEvents,
    Record<string, never>,
    BotSocketData
  >;
  nsp.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>;
    const secret = typeof auth.secret === 'string' ? auth.secret : '';
    const instanceId = typeof auth.instanceId === 'string' ? auth.instanceId : '';
    if (auth.service !== 'bot' || !safeEqual(secret, deps.internalSecret) || !INSTANCE_ID.test(instanceId)) {
      deps.log.warn(
        { address: socket.handshake.address },
        'refused a bot connection (bad secret or instance id)',
      );
      next(new Error('unauthorized'));
      return;
    }
    socket.data.instanceId = instanceId;
    next();
  });
  nsp.on('connection', (socket) => {
    const id = socket.data.instanceId;
    deps.registry.connected(id);
    deps.log.info({ instance_id: id }, 'bot connected');
    deps.onPresence(id, true);
    socket.on('metrics:update', (m) => {
      if (!isObject(m) || !isObject(m.messages)) return;
      deps.registry.metrics(id, m);
      deps.onMetrics(id, m);
    });
    socket.on('health:changed', (h) => {
      if (!isObject(h) || !isObject(h.checks)) return;
      deps.registry.health(id, h);
      deps.onHealth(id, h);
    });
    // The rows are read from the database (the live feed follows the table by id): a report,
    // one message or a batch of them, only says there is something new to read.
    const processed = () => {
      deps.registry.seen(id);
      deps.feed.poke();
      deps.onMessage();
    };
    socket.on('messages:processed', (b) => {
      if (isObject(b) && Array.isArray(b.ids) && b.ids.length > 0) processed();
    });
    socket.on('message:processed', processed);
    socket.on('error:occurred', (e) => {
      if (!isObject(e)) return;
      deps.registry.seen(id);
      deps.onError({ ...e, instance_id: id });
    });
    socket.on('disconnect', (reason) => {
      deps.registry.disconnected(id);
      deps.log.warn({ instance_id: id, reason }, 'bot disconnected');
      deps.onPresence(id, false);
    });
  });
  return nsp;
}
