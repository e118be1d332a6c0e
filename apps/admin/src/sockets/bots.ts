import type {
  AdminToBotEvents,
  BotMetrics,
  BotToAdminEvents,
  ErrorEvent,
  FeedMessage,
  HealthReport,
} from '@botpulse/protocol';
import { BOTS_NAMESPACE, CONVERSATION_STATUSES, MESSAGE_KINDS } from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import { safeEqual } from '@botpulse/runtime';
import type { Server } from 'socket.io';
import type { FeedTail } from '../monitoring/feed-tail';
import type { InstanceRegistry } from '../monitoring/instance-registry';

const INSTANCE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

interface BotSocketData {
  instanceId: string;
  /** the database the bot said it writes to, when it said one */
  databaseId: string | undefined;
}

export interface BotsNamespaceDeps {
  internalSecret: string;
  /** the id of the database this admin reads (`database_identity`) */
  databaseId: string;
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
    socket.data.databaseId = saidDatabase(auth.databaseId);
    next();
  });
  nsp.on('connection', (socket) => {
    const id = socket.data.instanceId;
    // the bot said it writes to the database this admin reads: its reported messages are its rows
    const sameDatabase = socket.data.databaseId === deps.databaseId;
    deps.registry.connected(id);
    deps.log.info({ instance_id: id, same_database: sameDatabase }, 'bot connected');
    if (socket.data.databaseId !== undefined && !sameDatabase)
      deps.log.warn(
        { instance_id: id, bot_database_id: socket.data.databaseId, admin_database_id: deps.databaseId },
        'this bot writes to another database than the one this admin reads (check DATABASE_URL): ' +
          'its messages will not show on this dashboard',
      );
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
    // A report says there is something new; the feed emits its messages as they came when they
    // follow on from what it emitted, else reads the rows. A report of ids only (as older bots
    // send), or one from a bot that did not show it writes to this admin's database, always reads
    // them: another database's ids would otherwise hide this one's messages with the same ids.
    const processed = (messages?: FeedMessage[]) => {
      deps.registry.seen(id);
      if (messages && sameDatabase) deps.feed.offer(messages);
      else deps.feed.poke();
      deps.onMessage();
    };
    socket.on('messages:processed', (b) => {
      if (!isObject(b) || !Array.isArray(b.ids) || b.ids.length === 0) return;
      processed(feedMessages(b.messages, id));
    });
    socket.on('message:processed', () => processed());
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

/**
 * The database a bot's handshake names: undefined when it names none (an older bot); a value that is
 * not a string names no database this admin reads (and is shown as such in the warning).
 */
function saidDatabase(said: unknown): string | undefined {
  if (said === undefined || said === null) return undefined;
  if (typeof said === 'string') return said.slice(0, 128);
  return `(a ${Array.isArray(said) ? 'list' : typeof said}, not an id)`;
}

const KINDS = new Set<unknown>(MESSAGE_KINDS);
const STATUSES = new Set<unknown>(CONVERSATION_STATUSES);
const isText = (v: unknown): v is string => typeof v === 'string';
const isTextOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/**
 * The live feed's messages out of a bot's report, exactly the feed's fields, each checked (the
 * bot is trusted, its frames are still only data): undefined when any is not a well-formed message
 * of this bot, and then the feed reads the rows instead.
 */
function feedMessages(value: unknown, instanceId: string): FeedMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: FeedMessage[] = [];
  for (const m of value as unknown[]) {
    if (!isObject(m)) return undefined;
    const { id, user_id, user_name, message_text, reply_text, timestamp, response_time, status, kind } = m;
    if (
      !Number.isSafeInteger(id) ||
      !isText(user_id) ||
      !isTextOrNull(user_name) ||
      !isText(message_text) ||
      !isTextOrNull(reply_text) ||
      !isText(timestamp) ||
      typeof response_time !== 'number' ||
      !STATUSES.has(status) ||
      !KINDS.has(kind) ||
      m.instance_id !== instanceId
    )
      return undefined;
    out.push({
      id: id as number,
      user_id,
      user_name,
      message_text,
      reply_text,
      timestamp,
      response_time,
      instance_id: instanceId,
      status: status as FeedMessage['status'],
      kind: kind as FeedMessage['kind'],
    });
  }
  return out;
}
