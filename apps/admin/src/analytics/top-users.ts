import {
  type ActivityPlan,
  type ActivitySums,
  type Db,
  getActivitySums,
  getTopUserNames,
} from '@botpulse/db';
import type { TopUser } from '@botpulse/protocol';
import { DateTime } from 'luxon';
import { periodCover, wholeDays } from './periods';

interface Sums {
  messages: number;
  lastUs: number;
}
interface Settled {
  version: number;
  /** every user of the settled days, most active first (the page order) */
  sorted: Array<Sums & { id: string }>;
  byId: Map<string, Sums>;
}

/** Ranges whose settled days are kept (each holds one entry per user active in them). */
const CACHED_RANGES = 4;

/**
 * Yesterday is settled this long after local midnight, on this clock and on the database's. A late
 * row for yesterday moves the version once it is folded, but a fold that decided just before
 * midnight commits without moving it: the wait outlasts such a fold, and lets the rows of
 * yesterday's last seconds (each fold of which moves the version) be folded before the cache is built.
 */
const SETTLE_AFTER_MS = 5 * 60_000;

/** The page order: messages, then the latest message, then the id (as the SQL orders them). */
function before(a: Sums & { id: string }, b: Sums & { id: string }): number {
  return b.messages - a.messages || b.lastUs - a.lastUs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The most active users of a range, exact, without grouping every membership of the range on every
 * request (issue #19: that grouping was most of /api/analytics/users on 10M rows). A range's whole
 * local days before today are settled (before yesterday in the first minutes after midnight):
 * their per-user sums come from the rollups once and are kept while `rollup_version` stays (a fold
 * of a row from before the zone's local today, a data-protection delete or a backfill moves it).
 * Each request adds the rest — today, the still-queued rows of every day, the partial days at the
 * ends — read in the same snapshot as the version.
 *
 * Exact because a user with no recent rows keeps their settled rank: the page is among the first
 * offset + limit settled users and the users with recent rows.
 */
export class TopUsers {
  private readonly settled = new Map<string, Settled>();

  constructor(private readonly db: Db) {}

  /**
   * The page of `plan`'s range (the whole range's plan: the listed users' cost is read over it);
   * null when the range has no settled days (then the plain SQL page is as cheap).
   */
  async page(plan: ActivityPlan, now: DateTime, limit: number, offset: number): Promise<TopUser[] | null> {
    const { tz } = plan;
    const days = wholeDays(
      DateTime.fromJSDate(plan.start, { zone: tz }),
      DateTime.fromJSDate(plan.end, { zone: tz }),
    );
    if (!days) return null;
    const local = now.setZone(tz);
    const today = local.startOf('day');
    const firstRecent =
      local.diff(today).as('milliseconds') >= SETTLE_AFTER_MS ? today : today.minus({ days: 1 });
    const settledTo = [days.dayTo, firstRecent.toISODate()!].sort()[0]!; // ISO dates: the earlier
    if (settledTo <= days.dayFrom) return null;
    const recentDays: string[] = [];
    for (
      let d = DateTime.fromISO(settledTo, { zone: 'UTC' });
      d.toISODate()! < days.dayTo;
      d = d.plus({ days: 1 })
    )
      recentDays.push(d.toISODate()!);
    // Recent rows: the recent whole days from the day rollup, every queued row of the whole days, the edges.
    const recentPlan: ActivityPlan = {
      tz,
      start: plan.start,
      end: plan.end,
      months: [],
      weeks: [],
      days: recentDays,
      daysStart: days.daysStart,
      daysEnd: days.daysEnd,
    };
    const recent = await getActivitySums(this.db, recentPlan);
    // The fold moves the version for rows before the database's local today, by the database's
    // clock and time-zone rules: the settled days must end there or earlier, and the wait after
    // midnight must have passed on that clock too (a fold that decided just before midnight may
    // still be committing). A clock here ahead of the database's would otherwise settle a day the
    // database still writes to without moving the version.
    const settledEnd = DateTime.fromISO(settledTo, { zone: tz }).toMillis();
    if (recent.dayStartMs < settledEnd || recent.nowMs - settledEnd < SETTLE_AFTER_MS) return null;
    const key = `${tz} ${days.dayFrom} ${settledTo}`;
    let base = this.settled.get(key);
    if (base?.version !== recent.version) {
      // Only the folded rollups of the settled days: no queued rows, no edges (all in `recent`).
      const at = days.daysStart;
      const sums = await getActivitySums(this.db, {
        tz,
        ...periodCover(days.dayFrom, settledTo),
        start: at,
        end: at,
        daysStart: at,
        daysEnd: at,
      });
      if (sums.version !== recent.version) return null; // a fold in between: not this time
      base = settle(sums);
      this.settled.delete(key);
      this.settled.set(key, base);
      while (this.settled.size > CACHED_RANGES) this.settled.delete(this.settled.keys().next().value!);
    }
    const candidates = new Map<string, Sums & { id: string }>();
    for (const u of base.sorted.slice(0, offset + limit)) candidates.set(u.id, { ...u });
    for (let i = 0; i < recent.ids.length; i++) {
      const id = recent.ids[i]!;
      const old = candidates.get(id) ?? base.byId.get(id);
      candidates.set(id, {
        id,
        messages: (old?.messages ?? 0) + recent.messages[i]!,
        lastUs: Math.max(old?.lastUs ?? 0, recent.lastUs[i]!),
      });
    }
    const page = [...candidates.values()].sort(before).slice(offset, offset + limit);
    return getTopUserNames(
      this.db,
      page.map((u) => ({
        user_id: u.id,
        messages: u.messages,
        last_seen: new Date(Math.floor(u.lastUs / 1000)).toISOString(),
      })),
      plan,
    );
  }
}

function settle(sums: ActivitySums): Settled {
  const sorted = sums.ids.map((id, i) => ({ id, messages: sums.messages[i]!, lastUs: sums.lastUs[i]! }));
  sorted.sort(before);
  return { version: sums.version, sorted, byId: new Map(sorted.map((u) => [u.id, u])) };
}
