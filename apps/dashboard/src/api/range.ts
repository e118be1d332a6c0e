/**
 * What every analytics endpoint takes: calendar dates (YYYY-MM-DD, both inclusive) or ISO instants
 * (`to` exclusive), interpreted in the IANA zone `tz`.
 */
export interface RangeQuery {
  from: string;
  to: string;
  tz: string;
}

/** The browser's zone: analytics buckets and "today" are the viewer's days, not the server's. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
