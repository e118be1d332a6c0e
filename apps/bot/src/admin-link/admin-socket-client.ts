import {
  type AdminToBotEvents,
  BOTS_NAMESPACE,
  type BotAuth,
  type BotToAdminEvents,
} from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import { io, type Socket } from 'socket.io-client';

type EventName = keyof BotToAdminEvents;
type Payload<E extends EventName> = Parameters<BotToAdminEvents[E]>[0];
interface Buffered {
  event: EventName;
  data: unknown;
}

export interface AdminLinkStats {
  connected: boolean;
  reconnects: number;
  buffered: number;
  dropped: number;
}

/**
 * The bot's Socket.io link to the admin (plan 2.1.3), namespace /bots. While the admin is
 * unreachable, events wait in a bounded buffer (oldest dropped first, and counted) and are sent in
 * order on reconnect; only the latest metrics snapshot is kept, older ones are superseded.
 */
export class AdminSocketClient {
  private readonly socket: Socket<AdminToBotEvents, BotToAdminEvents>;
  private readonly buffer: Buffered[] = [];
  private stats = { reconnects: 0, dropped: 0 };
  private everConnected = false;
  private refusedTimer: NodeJS.Timeout | undefined;

  constructor(
    adminUrl: string,
    auth: BotAuth,
    private readonly log: Logger,
    private readonly maxBuffered = 10_000,
  ) {
    this.socket = io(adminUrl + BOTS_NAMESPACE, {
      auth,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    this.socket.on('connect', () => {
      if (this.everConnected) this.stats.reconnects++;
      this.everConnected = true;
      this.log.info({ adminUrl }, 'connected to admin');
      this.flush();
    });
    this.socket.on('disconnect', (reason) => this.log.warn({ reason }, 'admin link down'));
    this.socket.on('connect_error', (err) => {
      // A refusal by the admin's middleware stops socket.io's own retries: keep trying slowly.
      if (!this.socket.active) {
        this.log.error(
          { err: err.message },
          'admin refused the bot (check INTERNAL_SECRET); retrying in 10 s',
        );
        clearTimeout(this.refusedTimer);
        this.refusedTimer = setTimeout(() => this.socket.connect(), 10_000);
        this.refusedTimer.unref();
      }
    });
  }

  /**
   * `user:deleted` from the admin, and every reconnect after the first connect (a deletion may
   * have been broadcast while the link was down): either way the bot recounts from the rows.
   */
  onCountsStale(handler: (reason: string) => void): void {
    this.socket.on('user:deleted', () => handler('user:deleted'));
    this.socket.on('connect', () => {
      if (this.stats.reconnects > 0) handler('reconnected');
    });
  }

  emit<E extends EventName>(event: E, data: Payload<E>): void {
    if (this.socket.connected && this.buffer.length === 0) {
      (this.socket.emit as (e: string, d: unknown) => void)(event, data);
      return;
    }
    if (event === 'metrics:update') {
      const i = this.buffer.findIndex((b) => b.event === 'metrics:update');
      if (i >= 0) this.buffer.splice(i, 1);
    }
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.stats.dropped++;
    }
    this.buffer.push({ event, data });
  }

  get statsSnapshot(): AdminLinkStats {
    return { connected: this.socket.connected, buffered: this.buffer.length, ...this.stats };
  }

  close(): void {
    clearTimeout(this.refusedTimer);
    this.socket.close();
  }

  private flush() {
    while (this.buffer.length > 0 && this.socket.connected) {
      const b = this.buffer.shift()!;
      (this.socket.emit as (e: string, d: unknown) => void)(b.event, b.data);
    }
  }
}
