import type { BotMetrics, ErrorEvent, HealthReport } from '@botpulse/protocol';
import { BOTS_NAMESPACE } from '@botpulse/protocol';
import type { Server } from 'socket.io';

/** What one admin tells the others about the bots connected to it (through the Redis adapter). */
export type ClusterEvent =
  | { type: 'metrics'; instanceId: string; data: BotMetrics }
  | { type: 'health'; instanceId: string; data: HealthReport }
  | { type: 'presence'; instanceId: string; connected: boolean }
  | { type: 'error'; data: ErrorEvent }
  | { type: 'poke' }
  /** a user's data was deleted: the live feed reads that user's reported messages back */
  | { type: 'forget'; userId: string };

const EVENT = 'cluster:bot-event';
const POKE_EVERY_MS = 20;

/**
 * Several admins share one picture of the bots: each forwards what its own bots report to the
 * others with serverSideEmit (a no-op without the Redis adapter). Feed pokes are coalesced.
 */
export class ClusterLink {
  private pokeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: Server,
    /** false without Redis: a single admin has nobody to tell */
    private readonly clustered: boolean,
    onEvent: (e: ClusterEvent) => void,
  ) {
    io.of(BOTS_NAMESPACE).on(EVENT, (e: ClusterEvent) => onEvent(e));
  }

  send(e: ClusterEvent): void {
    if (!this.clustered) return;
    if (e.type === 'poke') {
      if (this.pokeTimer) return;
      this.pokeTimer = setTimeout(() => {
        this.pokeTimer = undefined;
        this.emit({ type: 'poke' });
      }, POKE_EVERY_MS);
      return;
    }
    this.emit(e);
  }

  private emit(e: ClusterEvent) {
    this.io.of(BOTS_NAMESPACE).serverSideEmit(EVENT, e);
  }

  stop(): void {
    clearTimeout(this.pokeTimer);
  }
}
