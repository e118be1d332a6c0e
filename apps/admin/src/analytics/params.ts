import type { Granularity } from '@botpulse/protocol';
import { DateTime, IANAZone } from 'luxon';

/** A bad query parameter: answered with 400 naming it. */
export class ParamError extends Error {
  override name = 'ParamError';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The range every analytics endpoint takes. `from`/`to` are either calendar dates in `tz` (both
 * inclusive) or ISO instants (`to` exclusive); internally always the instants [start, end).
 */
export interface AnalyticsRange {
  tz: string;
  kind: 'dates' | 'instants';
  start: DateTime;
  end: DateTime;
  /** as given (normalised), echoed in responses */
  from: string;
  to: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 3_660;
const MAX_HOURLY_DAYS = 31;
export const GRANULARITIES: Granularity[] = ['hour', 'day', 'week', 'month'];

type Query = Record<string, unknown>;

function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ParamError(name, `${name} must be given once`);
  if (v.length > 100) throw new ParamError(name, `${name} is too long`);
  return v.trim();
}

export function parseTimeZone(q: Query): string {
  const tz = single(q, 'tz') ?? 'UTC';
  if (!IANAZone.isValidZone(tz))
    throw new ParamError('tz', `tz: "${tz}" is not an IANA time zone (e.g. Europe/Paris)`);
  // Canonical spelling (e.g. "europe/paris" → "Europe/Paris") so rollups are kept once per zone.
  return tz === 'UTC' ? 'UTC' : (new IANAZone(tz).name ?? tz);
}

function parseBound(
  name: 'from' | 'to',
  value: string,
  tz: string,
): { kind: 'dates' | 'instants'; at: DateTime } {
  if (DATE.test(value)) {
    const d = DateTime.fromISO(value, { zone: tz });
    if (!d.isValid) throw new ParamError(name, `${name}: "${value}" is not a valid date (YYYY-MM-DD)`);
    return { kind: 'dates', at: d.startOf('day') };
  }
  const t = DateTime.fromISO(value, { setZone: true });
  if (!t.isValid || !/T/.test(value) || !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    throw new ParamError(
      name,
      `${name}: "${value}" is neither a date (YYYY-MM-DD) nor an ISO instant with an offset (2026-03-08T00:00:00Z)`,
    );
  }
  return { kind: 'instants', at: t.setZone(tz) };
}

/** Parses from/to/tz; defaults to the last 7 days including today in tz. */
export function parseRange(
  q: Query,
  options: { granularity?: Granularity; now?: DateTime } = {},
): AnalyticsRange {
  const tz = parseTimeZone(q);
  const now = (options.now ?? DateTime.now()).setZone(tz);
  const fromRaw = single(q, 'from');
  const toRaw = single(q, 'to');
  const to = toRaw ? parseBound('to', toRaw, tz) : { kind: 'dates' as const, at: now.startOf('day') };
  const from = fromRaw
    ? parseBound('from', fromRaw, tz)
    : { kind: to.kind, at: to.kind === 'dates' ? to.at.minus({ days: 6 }) : to.at.minus({ days: 7 }) };
  if (from.kind !== to.kind) {
    throw new ParamError(
      from.kind === 'dates' ? 'to' : 'from',
      'from and to must both be dates or both be ISO instants',
    );
  }
  const start = from.at;
  const end = to.kind === 'dates' ? to.at.plus({ days: 1 }).startOf('day') : to.at;
  if (start >= end) {
    throw new ParamError(
      'from',
      to.kind === 'dates' ? 'from must not be after to' : 'from must be before to',
    );
  }
  const days = end.diff(start, 'days').days;
  if (days > MAX_DAYS) throw new ParamError('to', `range too large: at most ${MAX_DAYS} days`);
  if (options.granularity === 'hour' && days > MAX_HOURLY_DAYS) {
    throw new ParamError(
      'granularity',
      `range too large for granularity=hour: at most ${MAX_HOURLY_DAYS} days`,
    );
  }
  const fmt = (d: DateTime) =>
    from.kind === 'dates' ? d.toISODate()! : d.toISO({ suppressMilliseconds: true })!;
  return {
    tz,
    kind: from.kind,
    start,
    end,
    from: fmt(start),
    to: to.kind === 'dates' ? to.at.toISODate()! : fmt(end),
  };
}

export function parseGranularity(q: Query, fallback: Granularity = 'day'): Granularity {
  const g = single(q, 'granularity') ?? fallback;
  if (!GRANULARITIES.includes(g as Granularity)) {
    throw new ParamError('granularity', `granularity: "${g}" is not one of ${GRANULARITIES.join(', ')}`);
  }
  return g as Granularity;
}

/** `sort` of the top users: by messages (default) or by Gemini cost. */
export function parseUserSort(q: Query): 'messages' | 'cost' {
  const sort = single(q, 'sort') ?? 'messages';
  if (sort !== 'messages' && sort !== 'cost') {
    throw new ParamError('sort', `sort: "${sort}" is not one of messages, cost`);
  }
  return sort;
}

export function parsePositiveInt(q: Query, name: string, fallback: number, max: number): number {
  const raw = single(q, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new ParamError(name, `${name} must be a whole number from 1 to ${max}`);
  }
  return n;
}

/** The previous period of equal length: as many calendar days for dates, the same duration for instants. */
export function previousRange(r: AnalyticsRange): AnalyticsRange {
  if (r.kind === 'dates') {
    const days = Math.round(r.end.diff(r.start, 'days').days);
    const start = r.start.minus({ days });
    return {
      ...r,
      start,
      end: r.start,
      from: start.toISODate()!,
      to: r.start.minus({ days: 1 }).toISODate()!,
    };
  }
  const ms = r.end.toMillis() - r.start.toMillis();
  const start = r.start.minus({ milliseconds: ms });
  return {
    ...r,
    start,
    end: r.start,
    from: start.toISO({ suppressMilliseconds: true })!,
    to: r.start.toISO({ suppressMilliseconds: true })!,
  };
}
