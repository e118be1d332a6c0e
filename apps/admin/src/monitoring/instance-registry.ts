import type { BotMetrics, HealthReport, InstanceState } from '@botpulse/protocol';

/** An instance silent for this long is shown as gone (not as zero traffic); INSTANCE_GONE_AFTER_MS. */
export const GONE_AFTER_MS = 20_000;
/** ... and forgotten after this long. */
const FORGET_AFTER_MS = 24 * 3600_000;

interface Entry {
  instance_id: string;
  /** sockets of this instance connected to this admin */
  sockets: number;
  /** connected to another admin (learnt through the adapter) */
  remoteConnected: boolean;
  lastSeenMs: number;
  metrics: BotMetrics | null;
  health: HealthReport | null;
}

/** Latest known state of every bot instance, fed by the /bots sockets (and by the other admins). */
export class InstanceRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly goneAfterMs = GONE_AFTER_MS) {}

  private entry(id: string, now: number): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = {
        instance_id: id,
        sockets: 0,
        remoteConnected: false,
        lastSeenMs: now,
        metrics: null,
        health: null,
      };
      this.entries.set(id, e);
    }
    e.lastSeenMs = Math.max(e.lastSeenMs, now);
    return e;
  }

  connected(id: string, now = Date.now()): void {
    this.entry(id, now).sockets++;
  }

  disconnected(id: string, now = Date.now()): void {
    const e = this.entry(id, now);
    e.sockets = Math.max(0, e.sockets - 1);
  }

  metrics(id: string, metrics: BotMetrics, now = Date.now()): void {
    this.entry(id, now).metrics = metrics;
  }

  health(id: string, health: HealthReport, now = Date.now()): void {
    this.entry(id, now).health = health;
  }

  seen(id: string, now = Date.now(), remoteConnected?: boolean): void {
    const e = this.entry(id, now);
    if (remoteConnected !== undefined) e.remoteConnected = remoteConnected;
  }

  list(now = Date.now()): InstanceState[] {
    const out: InstanceState[] = [];
    for (const e of this.entries.values()) {
      const silentMs = now - e.lastSeenMs;
      if (silentMs > FORGET_AFTER_MS) {
        this.entries.delete(e.instance_id);
        continue;
      }
      const connected = e.sockets > 0 || e.remoteConnected;
      // A connected bot reports metrics every 5 s: only a longer silence means it hangs.
      const gone = silentMs > (connected ? Math.max(this.goneAfterMs, 15_000) : this.goneAfterMs);
      out.push({
        instance_id: e.instance_id,
        status: gone ? 'gone' : (e.health?.status ?? 'ok'),
        connected: connected && !gone,
        last_seen: new Date(e.lastSeenMs).toISOString(),
        metrics: e.metrics,
        health: e.health,
      });
    }
    return out.sort((a, b) => a.instance_id.localeCompare(b.instance_id));
  }

  /** Instances with a socket on this admin (each admin reports these for the alert rules). */
  local(now = Date.now()): InstanceState[] {
    return this.list(now).filter((i) => (this.entries.get(i.instance_id)?.sockets ?? 0) > 0);
  }

  get localSockets(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.sockets;
    return n;
  }
}
