/**
 * The daily rhythm of a consumer page: quiet nights, a lunch bump, busy evenings; Fridays a bit
 * busier, Sundays calmer. Values are relative and normalised to average 1 over a week, so `--rate`
 * stays the long-run average rate.
 */
const HOURLY = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 0.9, 1.0, 1.05, 1.1, 1.25, 1.15, 1.0, 1.0, 1.05, 1.25, 1.5,
  1.75, 1.9, 1.8, 1.3, 0.7,
];
/** Monday … Sunday */
const DAILY = [1.0, 1.0, 1.05, 1.0, 1.1, 0.9, 0.85];

const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;
const DAILY_MEAN = DAILY.reduce((a, b) => a + b, 0) / DAILY.length;

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone this machine runs in, the default for `--tz`. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

/** Local time of day in `zone`: fractional hour 0-24 and day of week (0 = Monday). */
export function localTime(epochMs: number, zone: string): { hour: number; dow: number } {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(zone, fmt);
  }
  let hour = 0;
  let minute = 0;
  let dow = 0;
  for (const part of fmt.formatToParts(epochMs)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'weekday') dow = WEEKDAYS[part.value] ?? 0;
  }
  return { hour: hour + minute / 60, dow };
}

/** How busy the page is at this instant relative to its average (about 0.1 at 3 am, 2 at 8 pm). */
export function rhythmFactor(epochMs: number, zone: string): number {
  const { hour, dow } = localTime(epochMs, zone);
  // Interpolate between hour marks (centred on the half hour) so the rate has no steps.
  const pos = hour - 0.5;
  const i = Math.floor(pos);
  const frac = pos - i;
  const a = HOURLY[(i + 24) % 24]!;
  const b = HOURLY[(i + 25) % 24]!;
  return ((a + (b - a) * frac) / HOURLY_MEAN) * (DAILY[dow]! / DAILY_MEAN);
}
