import type { ConversationFilterParams } from '@botpulse/protocol';
import { DateTime } from 'luxon';
import { describeRange } from '../transforms/dateRange';
import { DAY_NAMES, hourLabel } from '../transforms/heatmap';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The range in words: dates as the Analytics page says them, instants as local times in tz. */
export function describeFilterRange(f: ConversationFilterParams): string {
  if (!f.from || !f.to) return 'Last 7 days';
  if (DATE.test(f.from) && DATE.test(f.to)) return describeRange({ from: f.from, to: f.to });
  const fmt = (iso: string) => {
    const d = DateTime.fromISO(iso, { zone: f.tz ?? 'UTC' });
    return d.isValid ? d.setLocale('en-GB').toFormat('d LLL yyyy, HH:mm') : iso;
  };
  return `${fmt(f.from)} – ${fmt(f.to)}`;
}

/** The heatmap cell of a filter, e.g. "Tuesdays 21:00–22:00". */
export function describeCell(f: ConversationFilterParams): string | null {
  if (f.dow === undefined) return null;
  const day = `${DAY_NAMES[f.dow]}s`;
  return f.hour === undefined ? day : `${day} ${hourLabel(f.hour)}–${hourLabel((f.hour + 1) % 24)}`;
}
