/** A half-open interval of instants [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/**
 * An interval split for the user rollups of one zone: the whole local days inside it
 * ([dayFrom, dayTo), beginning at daysStart and ending at daysEnd) and the raw edges around them.
 * Without whole days (or when the zone's rollups are not ready) dayFrom = dayTo and
 * daysStart = daysEnd = end, so everything is read from the raw rows.
 */
export interface ActivityPlan extends Interval {
  tz: string;
  dayFrom: string;
  dayTo: string;
  daysStart: Date;
  daysEnd: Date;
}

export function activityParams(p: ActivityPlan): unknown[] {
  return [p.tz, p.dayFrom, p.dayTo, p.daysStart, p.daysEnd, p.start, p.end];
}
