import { DateTime } from 'luxon';

/**
 * How many leading days of a per-day series are over at `asOf` (an ISO instant), the days being
 * calendar dates in `tz`: the day `asOf` falls in, and any after it, are still filling.
 */
export function completeDays(dates: readonly string[], asOf: string, tz: string): number {
  const today = DateTime.fromISO(asOf, { setZone: true }).setZone(tz).toISODate();
  if (!today) return dates.length;
  const i = dates.findIndex((d) => d >= today);
  return i === -1 ? dates.length : i;
}
