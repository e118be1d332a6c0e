import type { Granularity } from '@botpulse/protocol';
import type { DateTime, DateTimeUnit } from 'luxon';

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
