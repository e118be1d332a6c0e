import type { HealthReport } from './health';
import type { ErrorEvent, FeedMessage, ProcessedMessage } from './messages';
import type { BotMetrics } from './metrics';
import type { DashboardHealth, DashboardMetricsUpdate } from './monitoring';

/** Namespace the bots connect to, with `BotAuth` as handshake auth. */
export const BOTS_NAMESPACE = '/bots';
/** Namespace the dashboards connect to (session cookie + Origin checked). */
export const DASHBOARD_NAMESPACE = '/dashboard';

export interface BotAuth {
  service: 'bot';
  secret: string;
  instanceId: string;
  /**
   * The id of the database the bot writes to (`database_identity`). The admin takes the messages a
   * bot reports as its live feed's rows only when this is the database it reads; otherwise (another
   * database, or an older bot that does not say) each report only makes it read the rows.
   */
  databaseId?: string;
}

/**
 * `messages:processed`: the messages a bot stored and answered since its last flush, coalesced
 * into one event (DESIGN.md "Bot → admin link"), flushed at least every
 * `PROCESSED_FLUSH_MAX_MS` while there is traffic. The live feed follows the conversations table
 * by id: when a batch's messages carry on from the last one the admin emitted (the next ids, none
 * missing), the admin emits them as they came; otherwise (another bot's messages in between, a
 * gap, a batch of ids only) it reads the rows from the database.
 */
export interface ProcessedBatch {
  /** conversations.id of each message, in the order the bot processed them */
  ids: number[];
  /** the same messages as the live feed shows them, in the same order (absent: read them) */
  messages?: FeedMessage[];
}

/** The longest a processed message waits in the bot before its batch goes to the admin. */
export const PROCESSED_FLUSH_MAX_MS = 100;

/** Bot → admin. Each event carries one payload object. */
export interface BotToAdminEvents {
  'metrics:update': (data: BotMetrics) => void;
  /** one message (older bots); current bots send `messages:processed` */
  'message:processed': (data: ProcessedMessage) => void;
  'messages:processed': (data: ProcessedBatch) => void;
  'health:changed': (data: HealthReport) => void;
  'error:occurred': (data: ErrorEvent) => void;
}

/** A user's data was deleted (DELETE /api/users/:id): bots recount their in-memory metrics. */
export interface UserDeleted {
  user_id: string;
  deleted_messages: number;
}

/** Admin → bots (broadcast to every bot, through the Redis adapter when several admins run). */
export interface AdminToBotEvents {
  'user:deleted': (data: UserDeleted) => void;
}

/** Plan appendix A.2 envelope for everything the admin sends to dashboards. */
export interface Envelope<T extends string, D> {
  type: T;
  data: D;
  timestamp: string;
}

export type DashboardChannel = 'metrics' | 'messages' | 'health' | 'errors';
export const DASHBOARD_CHANNELS: readonly DashboardChannel[] = ['metrics', 'messages', 'health', 'errors'];

export interface SubscribeRequest {
  type: 'subscribe';
  channels: DashboardChannel[];
  /** the last `message:new` id the client saw; what came after it is sent first */
  since?: number;
}

export type SubscribeAck =
  | { ok: true; channels: DashboardChannel[]; replayed: number; last_id: number }
  | { ok: false; error: string };

/** Admin → dashboard */
export interface AdminToDashboardEvents {
  'metrics:update': (e: Envelope<'metrics:update', DashboardMetricsUpdate>) => void;
  'message:new': (e: Envelope<'message:new', FeedMessage>) => void;
  'health:changed': (e: Envelope<'health:changed', DashboardHealth>) => void;
  'error:occurred': (e: Envelope<'error:occurred', ErrorEvent>) => void;
}

/** Dashboard → admin */
export interface DashboardToAdminEvents {
  subscribe: (req: SubscribeRequest, ack?: (res: SubscribeAck) => void) => void;
}

export function envelope<T extends string, D>(type: T, data: D, now = new Date()): Envelope<T, D> {
  return { type, data, timestamp: now.toISOString() };
}
