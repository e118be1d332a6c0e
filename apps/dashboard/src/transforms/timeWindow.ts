const HOUR_MS = 3_600_000;

/**
 * The Monitoring chart's "last 24 hours" as ISO instants (`to` exclusive): 24 whole hours ending
 * with the current one, so the newest point fills in live and the query key only changes once an
 * hour (cached and deduplicated in between).
 */
export function last24Hours(now: number = Date.now()): { from: string; to: string } {
  const to = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  return { from: new Date(to - 24 * HOUR_MS).toISOString(), to: new Date(to).toISOString() };
}
