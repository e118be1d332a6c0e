import type {
  Bucket,
  CountSet,
  Granularity,
  HeatmapResponse,
  OverviewResponse,
  TimelineResponse,
  TopUser,
  UsersResponse,
} from '@botpulse/protocol';
import { DateTime } from 'luxon';
import { expect } from 'vitest';

// The independent side of the analytics end-to-end test: generated messages and what every
// analytics endpoint must answer for them, computed here in plain JS (luxon for local calendars),
// never with the admin's code or SQL.

export interface Msg {
  user: string;
  ts: number;
  /** response time, ms */
  rt: number;
}

export interface Person {
  id: string;
  first: string | null;
  last: string | null;
}

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** Buckets of history before a range that join the anomaly baseline (the API's contract). */
const TRAILING: Record<Granularity, number> = { hour: 168, day: 28, week: 12, month: 12 };

const FIRST_NAMES = ['Ana', 'Bo', 'Chloé', 'Dmitri', 'Eun-ji', 'Farah', 'Gus', 'Hana'];

export function people(n: number, prefix: string): Person[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(4, '0')}`,
    // One person without any name: shown with a null name, still with the id.
    first: i === 7 ? null : FIRST_NAMES[i % FIRST_NAMES.length]!,
    last: i === 7 ? null : `N${i}`,
  }));
}

/**
 * Messages over two windows around the 2026 DST changes of New York (Mar 8, Nov 1) and Berlin
 * (Mar 29, Oct 25), a busy day in each, and messages right at local midnights and DST jumps.
 */
export function generate(seed: number, perWindow: number, users: Person[]): Msg[] {
  const rand = rng(seed);
  const msgs: Msg[] = [];
  const pick = () => users[Math.floor(rand() ** 2 * users.length)]!.id;
  const rt = () => Math.round((50 + rand() * 900) * 1000) / 1000;
  const windows = [
    [Date.UTC(2026, 1, 20), Date.UTC(2026, 3, 12)],
    [Date.UTC(2026, 9, 15), Date.UTC(2026, 10, 12)],
  ] as const;
  for (const [a, b] of windows) {
    for (let i = 0; i < perWindow; i++)
      msgs.push({ user: pick(), ts: Math.floor(a + rand() * (b - a)), rt: rt() });
  }
  const busy = [
    ['2026-03-10T00:00:00-04:00', perWindow / 10],
    ['2026-10-27T00:00:00+01:00', perWindow / 12],
  ] as const;
  for (const [dayIso, n] of busy) {
    const start = Date.parse(dayIso);
    for (let i = 0; i < n; i++)
      msgs.push({ user: pick(), ts: start + Math.floor(rand() * 86_400_000), rt: rt() });
  }
  const edges = [
    '2026-03-08T00:00:00-05:00',
    '2026-03-07T23:59:59.999-05:00',
    '2026-03-08T03:00:00-04:00',
    '2026-03-08T01:59:59.999-05:00',
    '2026-11-01T01:30:00-04:00',
    '2026-11-01T01:30:00-05:00',
    '2026-11-02T00:00:00-05:00',
    '2026-03-29T00:00:00+01:00',
    '2026-03-29T03:00:00+02:00',
    '2026-10-25T02:30:00+02:00',
    '2026-10-25T02:30:00+01:00',
    '2026-10-26T00:00:00+01:00',
    '2026-03-01T00:00:00-05:00',
    '2026-03-15T23:59:59.999-04:00',
  ];
  for (const [i, iso] of edges.entries())
    msgs.push({ user: users[i % users.length]!.id, ts: Date.parse(iso), rt: 100 + i });
  return msgs;
}

/** Messages sorted by time, with range look-ups. */
export class Reference {
  private readonly msgs: Msg[];
  private readonly firstSeen = new Map<string, number>();

  constructor(
    msgs: Msg[],
    private readonly persons: Map<string, Person>,
  ) {
    this.msgs = [...msgs].sort((a, b) => a.ts - b.ts);
    for (const m of this.msgs) if (!this.firstSeen.has(m.user)) this.firstSeen.set(m.user, m.ts);
  }

  private lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.msgs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.msgs[mid]!.ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  between(startMs: number, endMs: number): Msg[] {
    return this.msgs.slice(this.lowerBound(startMs), this.lowerBound(endMs));
  }

  users(startMs: number, endMs: number): Set<string> {
    return new Set(this.between(startMs, endMs).map((m) => m.user));
  }

  countSet(startMs: number, endMs: number): CountSet {
    const m = this.between(startMs, endMs);
    const avg = m.length ? m.reduce((s, x) => s + x.rt, 0) / m.length : 0;
    // The generated rows are rule replies: no Gemini tokens or cost (0, never missing).
    return {
      messages: m.length,
      users: new Set(m.map((x) => x.user)).size,
      avg_response_time_ms: avg,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
    };
  }

  /** Every local bucket touching [start, end), labelled by its whole period's local start. */
  series(start: DateTime, end: DateTime, g: Granularity): Bucket[] {
    const out: Bucket[] = [];
    let p = start.startOf(g);
    while (p < end) {
      const next = g === 'hour' ? p.plus({ hours: 1 }) : p.plus({ [g]: 1 }).startOf(g);
      const s = Math.max(p.toMillis(), start.toMillis());
      const e = Math.min(next.toMillis(), end.toMillis());
      const m = this.between(s, e);
      const local = (ms: number) =>
        DateTime.fromMillis(ms, { zone: p.zone }).toISO({ suppressMilliseconds: true })!;
      out.push({
        start: p.toISO({ suppressMilliseconds: true })!,
        from: local(s),
        to: local(e),
        messages: m.length,
        users: new Set(m.map((x) => x.user)).size,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
        cost_by_model: {},
      });
      p = next;
    }
    return out;
  }

  /** The ranges asked here lie in the past: `previous` is the whole previous period. */
  overview(
    q: RangeQuery,
  ): Omit<OverviewResponse, 'current' | 'previous' | 'as_of'> & { current: CountSet; previous: CountSet } {
    const r = range(q);
    const p = previous(r);
    const current = this.countSet(r.start.toMillis(), r.end.toMillis());
    const prev = this.countSet(p.start.toMillis(), p.end.toMillis());
    const days = r.end.diff(r.start, 'days').days;
    const g: Granularity = days <= 2 ? 'hour' : days <= 92 ? 'day' : days <= 730 ? 'week' : 'month';
    const spark = this.series(r.start, r.end, g);
    const pct = (c: number, b: number) => (b === 0 ? null : ((c - b) / Math.abs(b)) * 100);
    return {
      from: q.from,
      to: q.to,
      tz: q.tz,
      current,
      previous: prev,
      change_pct: {
        messages: pct(current.messages, prev.messages),
        users: pct(current.users, prev.users),
        avg_response_time_ms: pct(current.avg_response_time_ms, prev.avg_response_time_ms),
        input_tokens: null,
        output_tokens: null,
        cost_usd: null,
      },
      unpriced_models: [],
      sparklines: { messages: spark.map((b) => b.messages), users: spark.map((b) => b.users) },
      previous_until: p.end.toISO()!,
      sparklines_complete: spark.length,
    };
  }

  /**
   * Anomalies by their definition, computed the slow way: each bucket of the range (all complete
   * here, the ranges lie in the past) against the mean and standard deviation (at least √mean) of
   * every other bucket of the range and of the trailing window before it, from the first bucket
   * with a message on, when there are at least 3 of them.
   */
  timeline(
    q: RangeQuery & { granularity: Granularity },
  ): Omit<TimelineResponse, 'mean' | 'std_dev' | 'from' | 'to' | 'as_of'> {
    const r = range(q);
    const p = previous(r);
    const g = q.granularity;
    const buckets = this.series(r.start, r.end, g);
    const unit = g === 'week' ? 'week' : g;
    const trailEnd = r.start.startOf(unit, { useLocaleWeeks: false });
    const trailing = this.series(trailEnd.minus({ [unit]: TRAILING[g] }), trailEnd, g);
    const all = [...trailing, ...buckets].map((b) => b.messages);
    const first = all.findIndex((v) => v > 0);
    const anomalies: string[] = [];
    buckets.forEach((b, j) => {
      const i = trailing.length + j;
      const others = first === -1 ? [] : all.filter((_, x) => x >= first && x !== i);
      if (others.length < 3) return;
      const mean = others.reduce((a, v) => a + v, 0) / others.length;
      const sd = Math.max(
        Math.sqrt(others.reduce((a, v) => a + (v - mean) ** 2, 0) / others.length),
        Math.sqrt(mean),
      );
      if (sd > 0 && Math.abs(b.messages - mean) > 2 * sd) anomalies.push(b.start);
    });
    return {
      granularity: g,
      tz: q.tz,
      buckets,
      previous: this.series(p.start, p.end, g),
      anomalies,
      baseline: { trailing_buckets: trailing.length, buckets: first === -1 ? 0 : all.length - first, k: 2 },
    };
  }

  usersReport(q: RangeQuery & { page: number; page_size: number }): Omit<UsersResponse, 'as_of'> {
    const r = range(q);
    const s = r.start.toMillis();
    const e = r.end.toMillis();
    const lastDay = r.end.minus({ milliseconds: 1 }).startOf('day');
    const window = (days: number) => this.users(lastDay.minus({ days: days - 1 }).toMillis(), e).size;
    const active = this.users(s, e);
    const fresh = [...active].filter((u) => this.firstSeen.get(u)! >= s);
    const per = new Map<string, { messages: number; last: number }>();
    for (const m of this.between(s, e)) {
      const v = per.get(m.user) ?? { messages: 0, last: 0 };
      v.messages++;
      v.last = Math.max(v.last, m.ts);
      per.set(m.user, v);
    }
    const ranked: TopUser[] = [...per.entries()]
      .sort(
        ([ia, a], [ib, b]) => b.messages - a.messages || b.last - a.last || (ia < ib ? -1 : ia > ib ? 1 : 0),
      )
      .map(([id, v]) => {
        const p = this.persons.get(id)!;
        const name = [p.first, p.last].filter((x) => x !== null).join(' ');
        return {
          user_id: id,
          name: name === '' ? null : name,
          messages: v.messages,
          cost_usd: 0,
          last_seen: new Date(v.last).toISOString(),
        };
      });
    return {
      from: q.from,
      to: q.to,
      tz: q.tz,
      dau: window(1),
      wau: window(7),
      mau: window(30),
      new_users: fresh.length,
      returning_users: active.size - fresh.length,
      active_per_day: this.series(r.start, r.end, 'day').map((b) => ({
        date: b.start.slice(0, 10),
        users: b.users,
      })),
      top: ranked.slice((q.page - 1) * q.page_size, q.page * q.page_size),
      sort: 'messages',
      page: q.page,
      page_size: q.page_size,
      total: active.size,
    };
  }

  heatmap(q: RangeQuery): HeatmapResponse {
    const r = range(q);
    const counts = new Array<number>(168).fill(0);
    for (const m of this.between(r.start.toMillis(), r.end.toMillis())) {
      const d = DateTime.fromMillis(m.ts, { zone: q.tz });
      counts[(d.weekday - 1) * 24 + d.hour]!++;
    }
    return {
      tz: q.tz,
      from: q.from,
      to: q.to,
      cells: counts.map((messages, i) => ({ dow: Math.floor(i / 24), hour: i % 24, messages })),
    };
  }
}

export interface RangeQuery {
  tz: string;
  from: string;
  to: string;
}

/** Dates are local days in tz, both included; instants are [from, to). */
export function range(q: RangeQuery): { start: DateTime; end: DateTime; dates: boolean } {
  const dates = /^\d{4}-\d{2}-\d{2}$/.test(q.from);
  if (dates) {
    return {
      start: DateTime.fromISO(q.from, { zone: q.tz }),
      end: DateTime.fromISO(q.to, { zone: q.tz }).plus({ days: 1 }),
      dates,
    };
  }
  return {
    start: DateTime.fromISO(q.from, { zone: q.tz }),
    end: DateTime.fromISO(q.to, { zone: q.tz }),
    dates,
  };
}

/** As many calendar days before (dates), or the same duration before (instants). */
export function previous(r: ReturnType<typeof range>): { start: DateTime; end: DateTime } {
  if (r.dates) {
    const days = Math.round(r.end.diff(r.start, 'days').days);
    return { start: r.start.minus({ days }), end: r.start };
  }
  const ms = r.end.toMillis() - r.start.toMillis();
  return { start: r.start.minus({ milliseconds: ms }), end: r.start };
}

type ReferenceOverview = ReturnType<Reference['overview']>;

/**
 * An overview answer equals the reference: counts exactly, averages (which the API rounds to
 * 0.001 ms) and their percentage change to 0.01.
 */
export function expectOverview(got: OverviewResponse, want: ReferenceOverview, where: string): void {
  // Instants come back in tz's notation: compare them as instants.
  const when = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : Date.parse(v));
  const exact = ({ as_of: _asOf, ...o }: OverviewResponse | (ReferenceOverview & { as_of?: string })) => ({
    ...o,
    previous_until: Date.parse(o.previous_until),
    from: when(o.from),
    to: when(o.to),
    current: { ...o.current, avg_response_time_ms: 0 },
    previous: { ...o.previous, avg_response_time_ms: 0 },
    change_pct: { ...o.change_pct, avg_response_time_ms: 0 },
  });
  const w = exact(want);
  expect(exact(got), where).toEqual({
    ...w,
    change_pct: {
      messages: w.change_pct.messages === null ? null : expect.closeTo(w.change_pct.messages, 6),
      users: w.change_pct.users === null ? null : expect.closeTo(w.change_pct.users, 6),
      avg_response_time_ms: 0,
      input_tokens: w.change_pct.input_tokens,
      output_tokens: w.change_pct.output_tokens,
      cost_usd: w.change_pct.cost_usd,
    },
  });
  expect(got.current.avg_response_time_ms, where).toBeCloseTo(want.current.avg_response_time_ms, 2);
  expect(got.previous.avg_response_time_ms, where).toBeCloseTo(want.previous.avg_response_time_ms, 2);
  const pct = want.change_pct.avg_response_time_ms;
  if (pct === null) expect(got.change_pct.avg_response_time_ms, where).toBeNull();
  else expect(got.change_pct.avg_response_time_ms, where).toBeCloseTo(pct, 2);
}
