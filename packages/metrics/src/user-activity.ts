import { TimeRing } from './time-ring';
import { UserTable } from './user-table';

const MINUTES_PER_DAY = 1_440;
/** Enough minutes for "active in the last 30 min" plus the bin a user moves out of. */
const MINUTE_BINS = 64;
/** 8 days, the user table's retention, so a returning user's old day bin is still held. */
const DAY_BINS = 8;

/**
 * Who was active when, without sets: the last-seen minute of each user (in a `UserTable`) and
 * histograms of users by last-seen minute and by last-seen day. Each user sits in exactly one bin,
 * so the sum of the newest N bins is the number of distinct users active in those N minutes/days.
 */
export class UserActivity {
  private readonly table: UserTable;
  private readonly byMinute = new TimeRing(MINUTE_BINS, ['users'] as const);
  private readonly byDay = new TimeRing(DAY_BINS, ['users'] as const);

  constructor(initialCapacity?: number) {
    this.table = new UserTable(initialCapacity);
  }

  /** Users tracked (seen within the retention, until `evictOlderThan`). */
  get size(): number {
    return this.table.size;
  }

  /**
   * Moves the user's last-seen minute forward (if `minute` is later) and their histogram bins with
   * it. Returns the previous last-seen minute, or -1 for a user not tracked.
   */
  see(userId: string, minute: number): number {
    const previous = this.table.touch(userId, minute);
    if (minute <= previous) return previous;
    moveBin(this.byMinute, previous, minute);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    const previousDay = Math.floor(previous / MINUTES_PER_DAY);
    if (day > previousDay) moveBin(this.byDay, previousDay, day);
    return previous;
  }

  /** Rolls the histograms forward so bins of minutes/days with no activity read as zero. */
  advanceTo(minute: number): void {
    this.byMinute.advance(minute);
    this.byDay.advance(Math.floor(minute / MINUTES_PER_DAY));
  }

  /** Distinct users whose last activity falls in the newest `minutes` minutes (at most 64). */
  activeInLastMinutes(minutes: number): number {
    return this.byMinute.sumLatest('users', minutes);
  }

  /** Distinct users whose last activity falls in the newest `days` UTC days (at most 8). */
  activeInLastDays(days: number): number {
    return this.byDay.sumLatest('users', days);
  }

  /** Users whose last activity is on UTC day `day` (days since the epoch). */
  lastSeenOnDay(day: number): number {
    return this.byDay.value('users', day);
  }

  /** Forgets users last seen before `minMinute`; their bins have already left the histograms. */
  evictOlderThan(minMinute: number): number {
    return this.table.evictOlderThan(minMinute);
  }

  clear(): void {
    this.table.clear();
    this.byMinute.clear();
    this.byDay.clear();
  }

  memoryBytes(): number {
    return this.table.memoryBytes() + this.byMinute.memoryBytes() + this.byDay.memoryBytes();
  }
}

/** The user leaves the bin of the old time (when still held) for the bin of the new one. */
function moveBin(ring: TimeRing<'users'>, fromIndex: number, toIndex: number): void {
  const bins = ring.columns.users;
  const fromSlot = ring.slotOf(fromIndex);
  if (fromSlot >= 0) bins[fromSlot]!--;
  const toSlot = ring.claim(toIndex);
  if (toSlot >= 0) bins[toSlot]!++;
}
