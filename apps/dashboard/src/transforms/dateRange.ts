/**
 * Analytics date ranges in the browser's own zone. Plain `Date` local-time arithmetic is enough
 * here (the zone is the browser's and `setDate` is DST-safe); only calendar dates leave this file.
 */
export type RangePreset = 'today' | '7d' | '30d' | '90d' | 'month' | '12m' | 'custom';

export const PRESETS: ReadonlyArray<{ id: Exclude<RangePreset, 'custom'>; label: string }> = [
  { id: 'today', label: 'Today' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'month', label: 'This month' },
  { id: '12m', label: 'Last 12 months' },
];

export const DEFAULT_PRESET: RangePreset = '7d';

export interface DateRange {
  preset: RangePreset;
  /** YYYY-MM-DD, inclusive */
  from: string;
  /** YYYY-MM-DD, inclusive */
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function localIsoDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A real calendar date (rejects 2026-02-30), as local midnight. */
export function parseLocalDate(text: string | null | undefined): Date | null {
  const match = text ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : null;
}

export function addDays(isoDate: string, days: number): string {
  const date = parseLocalDate(isoDate);
  if (!date) return isoDate;
  date.setDate(date.getDate() + days);
  return localIsoDate(date);
}

/** Calendar days from `from` to `to`, both counted. */
export function daysInRange(from: string, to: string): number {
  const a = parseLocalDate(from);
  const b = parseLocalDate(to);
  if (!a || !b) return 0;
  // Round: a DST day is 23 or 25 hours long.
  return Math.round((b.getTime() - a.getTime()) / 86_400_000) + 1;
}

export function presetRange(preset: Exclude<RangePreset, 'custom'>, now: Date = new Date()): DateRange {
  const today = localIsoDate(now);
  switch (preset) {
    case 'today':
      return { preset, from: today, to: today };
    case '7d':
      return { preset, from: addDays(today, -6), to: today };
    case '30d':
      return { preset, from: addDays(today, -29), to: today };
    case '90d':
      return { preset, from: addDays(today, -89), to: today };
    case 'month':
      return { preset, from: localIsoDate(new Date(now.getFullYear(), now.getMonth(), 1)), to: today };
    case '12m':
      // Whole months, so the monthly view has 12 comparable bars (the last one still running).
      return { preset, from: localIsoDate(new Date(now.getFullYear(), now.getMonth() - 11, 1)), to: today };
  }
}

function isPreset(value: string | null): value is Exclude<RangePreset, 'custom'> {
  return PRESETS.some((p) => p.id === value);
}

/** The range in the URL (`?range=30d` or `?range=custom&from=…&to=…`), or the default. */
export function rangeFromSearch(search: URLSearchParams, now: Date = new Date()): DateRange {
  const preset = search.get('range');
  if (isPreset(preset)) return presetRange(preset, now);
  const from = parseLocalDate(search.get('from'));
  const to = parseLocalDate(search.get('to'));
  if (from && to) {
    const [a, b] = from <= to ? [from, to] : [to, from];
    return { preset: 'custom', from: localIsoDate(a), to: localIsoDate(b) };
  }
  return presetRange(DEFAULT_PRESET as Exclude<RangePreset, 'custom'>, now);
}

/** Presets are stored by name so a shared link means "last 7 days" whenever it is opened. */
export function rangeToSearch(range: DateRange): Record<string, string> {
  if (range.preset === 'custom') return { range: 'custom', from: range.from, to: range.to };
  return { range: range.preset };
}

const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const dayMonthYear = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/** "2 Mar – 8 Mar 2026" */
export function describeRange(range: Pick<DateRange, 'from' | 'to'>): string {
  const from = parseLocalDate(range.from);
  const to = parseLocalDate(range.to);
  if (!from || !to) return `${range.from} – ${range.to}`;
  if (range.from === range.to) return dayMonthYear.format(to);
  const sameYear = from.getFullYear() === to.getFullYear();
  return `${(sameYear ? dayMonth : dayMonthYear).format(from)} – ${dayMonthYear.format(to)}`;
}

/** A granularity that gives a readable number of points for the range. */
export function defaultGranularity(range: Pick<DateRange, 'from' | 'to'>): 'day' | 'week' | 'month' {
  const days = daysInRange(range.from, range.to);
  if (days <= 62) return 'day';
  if (days <= 200) return 'week';
  return 'month';
}
