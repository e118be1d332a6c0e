import {
  claimPendingInbox,
  type Db,
  markInboxDead,
  pruneProcessedInbox,
  renewInboxClaims,
} from '@botpulse/db';
import { every, type Logger } from '@botpulse/runtime';
import { kindOf } from '../webhook/events';
import type { ReplyJob } from './job';

const LEASE_SECONDS = 120;

function sentLater(event: Record<string, unknown>, eventMs: number): number | null {
  const sent = event.timestamp;
  return typeof sent === 'number' && sent > eventMs ? sent : null;
}
/** failures of the event itself (not claims, not database outages) before it is given up */
export const MAX_ATTEMPTS = 5;

/**
 * Picks up acknowledged events that were never answered: at start-up the ones this instance had
 * claimed before it stopped, later any whose claim expired (another instance died). Keeps the
 * claims of events still in progress alive, and prunes old processed rows.
 */
export class InboxRecovery {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly db: Db,
    private readonly instanceId: string,
    private readonly inFlight: ReadonlySet<number>,
    private readonly dispatch: (job: ReplyJob) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<number> {
    const recovered = await this.claim(true);
    const failure = 'inbox maintenance failed';
    this.timers.push(
      every(10_000, () => this.claim(false), this.log, failure),
      every(30_000, () => renewInboxClaims(this.db, this.instanceId, [...this.inFlight]), this.log, failure),
      every(3_600_000, () => pruneProcessedInbox(this.db, 24), this.log, failure),
    );
    return recovered;
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Claims and dispatches pending events; returns how many. */
  async claim(atStartup: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await claimPendingInbox(this.db, {
        instanceId: this.instanceId,
        leaseSeconds: LEASE_SECONDS,
        limit: 500,
        // Later claims leave alone what the webhook claimed a moment ago and is dispatching.
        ownGraceSeconds: atStartup ? 0 : 30,
        excludeIds: [...this.inFlight],
      });
      // A user's messages are answered in the order they arrived.
      rows.sort((a, b) => a.id - b.id);
      for (const row of rows) {
        if (row.attempts >= MAX_ATTEMPTS || !row.event) {
          this.log.error({ inboxId: row.id, attempts: row.attempts }, 'giving up on an inbox event');
          await markInboxDead(this.db, row.id, `gave up after ${row.attempts} failed attempts`);
          continue;
        }
        this.dispatch({
          inboxId: row.id,
          dedupKey: row.dedup_key,
          senderId: row.sender_id,
          timestampMs: row.event_ts.getTime(),
          // event_ts is the clamped time; Meta's own is in the event when it was later.
          originalTimestampMs: sentLater(row.event, row.event_ts.getTime()),
          kind: kindOf(row.event),
          event: row.event,
          receivedAtMs: row.received_at.getTime(),
          storeMs: null,
          attempts: row.attempts,
        });
      }
      total += rows.length;
      if (rows.length < 500) break;
    }
    if (total > 0) this.log.info({ recovered: total }, 'picked up unanswered inbox events');
    return total;
  }
}
