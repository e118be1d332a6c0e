import type { ActivityPlan } from '@botpulse/db';
import type { Granularity } from '@botpulse/protocol';
import { DateTime, type DateTimeUnit } from 'luxon';

/** One bucket of a timeline: the whole local period, and the part of it inside the range. */
export interface PeriodBucket {
  /** local start of the whole period, with its offset (the label) */
  label: string;
  /** period key for the rollups: local date of the day / Monday / first of month */
  period: string;
  start: Date;
  end: Date;
  /** true when the range covers the whole period */
  whole: boolean;
}

export const UNIT: Record<Granularity, DateTimeUnit> = {
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
};

export function formatLocal(d: DateTime): string {
  return d.toISO({ suppressMilliseconds: true, includeOffset: true })!;
}

/**
 * Every bucket of [start, end) in the zone of `start`, zeros included. Days are local days (23 or
 * 25 hours across a DST change); weeks start on Monday; hours are real hours (a local hour that
 * happens twice in autumn gives two buckets with different offsets).
 */
export function bucketsOf(start: DateTime, end: DateTime, g: Granularity): PeriodBucket[] {
  const unit = UNIT[g];
  const buckets: PeriodBucket[] = [];
  let p = start.startOf(unit, { useLocaleWeeks: false });
  while (p < end) {
    const next = g === 'hour' ? p.plus({ hours: 1 }) : p.plus({ [`${unit}s`]: 1 }).startOf(unit);
    const s = p < start ? start : p;
    const e = next > end ? end : next;
    buckets.push({
      label: formatLocal(p),
      period: p.toISODate()!,
      start: s.toJSDate(),
      end: e.toJSDate(),
      whole: s.equals(p) && e.equals(next),
    });
    p = next;
  }
  return buckets;
}

/**
 * Splits [start, end) into the whole local days inside it and the raw edges around them (see
 * ActivityPlan in @botpulse/db).
 */
export function wholeDays(start: DateTime, end: DateTime) {
  const first = start.equals(start.startOf('day')) ? start : start.plus({ days: 1 }).startOf('day');
  const last = end.startOf('day');
  if (first >= last) return null;
  return {
    dayFrom: first.toISODate()!,
    dayTo: last.toISODate()!,
    daysStart: first.toJSDate(),
    daysEnd: last.toJSDate(),
  };
}

/**
 * What the activity functions read for [start, end) in `tz`: the range's whole local days as the
 * fewest rollup periods, the partial days at the ends from the raw rows. Without a ready zone,
 * no cover: all of it from the raw rows.
 */
export function activityPlan(tz: string, start: DateTime, end: DateTime, zoneReady: boolean): ActivityPlan {
  const s = start.setZone(tz);
  const e = end.setZone(tz);
  const days = zoneReady ? wholeDays(s, e) : null;
  const endDate = e.toJSDate();
  return {
    tz,
    start: s.toJSDate(),
    end: endDate,
    ...(days ? periodCover(days.dayFrom, days.dayTo) : { months: [], weeks: [], days: [] }),
    daysStart: days?.daysStart ?? endDate,
    daysEnd: days?.daysEnd ?? endDate,
  };
}

/** Whole local periods that together are exactly a run of days, each day in one of them only. */
export interface PeriodCover {
  months: string[];
  weeks: string[];
  days: string[];
}

/**
 * Covers the days [dayFrom, dayTo) (ISO dates) with as few rollup periods as possible and no
 * overlap: the whole months inside, then the whole Monday weeks inside what is left on either side,
 * then single days. Distinct users of 90 days read ~2 month + ~4 week + ~10 day memberships instead
 * of 90 day memberships; sums over the cover count every message once.
 */
export function periodCover(dayFrom: string, dayTo: string): PeriodCover {
  const cover: PeriodCover = { months: [], weeks: [], days: [] };
  coverRun(DateTime.fromISO(dayFrom, { zone: 'UTC' }), DateTime.fromISO(dayTo, { zone: 'UTC' }), 0, cover);
  return cover;
}

const COVER_GRAINS = [
  { key: 'months', unit: 'month' },
  { key: 'weeks', unit: 'week' },
  { key: 'days', unit: 'day' },
] as const;

/** Whole periods of one grain inside [from, to), the rest on either side in the next finer grain. */
function coverRun(from: DateTime, to: DateTime, level: number, cover: PeriodCover): void {
  if (!(from < to)) return;
  const { key, unit } = COVER_GRAINS[level]!;
  const first = from.equals(from.startOf(unit)) ? from : from.plus({ [key]: 1 }).startOf(unit);
  const last = to.startOf(unit);
  const finer = level + 1 < COVER_GRAINS.length;
  if (first < last) {
    for (let p = first; p < last; p = p.plus({ [key]: 1 })) cover[key].push(p.toISODate()!);
    if (finer) {
      coverRun(from, first, level + 1, cover);
      coverRun(last, to, level + 1, cover);
    }
  } else if (finer) coverRun(from, to, level + 1, cover);
}
