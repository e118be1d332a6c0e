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

const UNIT: Record<Granularity, DateTimeUnit> = { hour: 'hour', day: 'day', week: 'week', month: 'month' };

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
  const from = DateTime.fromISO(dayFrom, { zone: 'UTC' });
  const to = DateTime.fromISO(dayTo, { zone: 'UTC' });
  if (!(from < to)) return cover;
  const firstMonth = from.day === 1 ? from : from.plus({ months: 1 }).startOf('month');
  const lastMonth = to.startOf('month');
  if (firstMonth < lastMonth) {
    for (let m = firstMonth; m < lastMonth; m = m.plus({ months: 1 })) cover.months.push(m.toISODate()!);
    weeksAndDays(from, firstMonth, cover);
    weeksAndDays(lastMonth, to, cover);
  } else weeksAndDays(from, to, cover);
  return cover;
}

function weeksAndDays(from: DateTime, to: DateTime, cover: PeriodCover): void {
  const firstWeek = from.weekday === 1 ? from : from.plus({ weeks: 1 }).startOf('week');
  const lastWeek = to.startOf('week');
  if (firstWeek < lastWeek) {
    for (let w = firstWeek; w < lastWeek; w = w.plus({ weeks: 1 })) cover.weeks.push(w.toISODate()!);
    days(from, firstWeek, cover);
    days(lastWeek, to, cover);
  } else days(from, to, cover);
}

function days(from: DateTime, to: DateTime, cover: PeriodCover): void {
  for (let d = from; d < to; d = d.plus({ days: 1 })) cover.days.push(d.toISODate()!);
}
