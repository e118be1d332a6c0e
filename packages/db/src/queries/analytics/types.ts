/** A half-open interval of instants [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/**
 * An interval split for the user rollups of one zone: the whole local days inside it, as a cover
 * of whole months, weeks and days (each day in exactly one; ISO dates of the periods' first days)
 * beginning at daysStart and ending at daysEnd, and the raw edges around them. Without whole days
 * (or when the zone's rollups are not ready) the cover is empty and daysStart = daysEnd = end, so
 * everything is read from the raw rows.
 */
export interface ActivityPlan extends Interval {
  tz: string;
  months: string[];
  weeks: string[];
  days: string[];
  daysStart: Date;
  daysEnd: Date;
}

export function activityParams(p: ActivityPlan): unknown[] {
  return [p.tz, p.months, p.weeks, p.days, p.daysStart, p.daysEnd, p.start, p.end];
}
