import {
  type AlertChannelRow,
  type Db,
  getAlertChannels,
  getDueAlertNotifications,
  markAlertNotificationDelivered,
  markAlertNotificationFailed,
  recordAlertDelivery,
  recordAlertDeliveryError,
} from '@botpulse/db';
import type { Logger } from '@botpulse/runtime';
import type { ChannelSender } from './channels';
import type { AlertNotification } from './notification';

export interface OutboxOptions {
  db: Db;
  log: Logger;
  sender: ChannelSender;
  /** first retry after this, doubling up to `maxRetryMs` (ALERT_RETRY_BASE_MS) */
  retryBaseMs: number;
  maxRetryMs: number;
  /** a notification still undelivered after this long is given up (24 h) */
  giveUpMs: number;
  onDelivered: (type: string) => void;
  onFailed: (type: string) => void;
}

/** The backoff before attempt `attempts + 1`; a receiver's Retry-After wins when it asks for longer. */
export function retryDelayMs(attempts: number, base: number, max: number, retryAfterMs?: number): number {
  const backoff = Math.min(max, base * 2 ** Math.min(attempts, 20));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, Math.min(backoff, 1_000)) : backoff;
}

/**
 * Delivers the durable outbox: what the evaluator queued survives restarts and receivers that are
 * down. Runs on the admin holding the evaluator lease, one pass at a time.
 */
export class AlertOutbox {
  private running = false;
  private again = false;

  constructor(private readonly o: OutboxOptions) {}

  /** Delivers what is due; a call during a pass makes one more pass after it. */
  async deliverDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'alert delivery pass failed');
    } finally {
      this.running = false;
    }
  }

  private async pass(): Promise<void> {
    const { db } = this.o;
    const due = await getDueAlertNotifications(db, 100);
    if (due.length === 0) return;
    const channels = new Map<string, AlertChannelRow>((await getAlertChannels(db)).map((c) => [c.id, c]));
    // Channels in parallel, each channel's notifications in order.
    const byChannel = new Map<string, typeof due>();
    for (const row of due) byChannel.set(row.channel_id, [...(byChannel.get(row.channel_id) ?? []), row]);
    await Promise.all(
      [...byChannel].map(async ([channelId, rows]) => {
        const channel = channels.get(channelId);
        if (!channel) return;
        for (const row of rows) {
          const result = await this.o.sender.send(channel, row.notification as AlertNotification);
          if (result.ok) {
            await markAlertNotificationDelivered(db, row.id);
            await recordAlertDelivery(db, channelId);
            this.o.onDelivered(channel.type);
            this.o.log.info(
              {
                channel: channelId,
                type: channel.type,
                kind: row.kind,
                alertname: row.alertname,
                attempts: row.attempts + 1,
              },
              'alert notification delivered',
            );
            continue;
          }
          const error = result.error ?? 'failed';
          const delay = retryDelayMs(
            row.attempts,
            this.o.retryBaseMs,
            this.o.maxRetryMs,
            result.retryAfterMs,
          );
          const giveUp = Date.now() + delay - row.created_at.getTime() > this.o.giveUpMs;
          await markAlertNotificationFailed(db, row.id, error, delay, giveUp);
          await recordAlertDeliveryError(db, channelId, error);
          this.o.onFailed(channel.type);
          this.o.log.warn(
            {
              channel: channelId,
              type: channel.type,
              kind: row.kind,
              error,
              attempts: row.attempts + 1,
              retry_in_ms: giveUp ? null : delay,
            },
            giveUp ? 'alert notification given up' : 'alert notification failed, will retry',
          );
          // Keep this channel's order: the rest wait for the next pass.
          break;
        }
      }),
    );
  }
}
