import type { IncomingHttpHeaders } from 'node:http';

/**
 * Cross-site WebSocket hijacking guard: a browser always sends Origin on a WebSocket handshake, so
 * one that is not the admin's own origin (from Host / X-Forwarded-*, PUBLIC_URL) or listed in
 * ALLOWED_ORIGINS is refused. Non-browser clients (no Origin) still need a valid session.
 */
export function originAllowed(
  headers: IncomingHttpHeaders,
  options: {
    trustProxy: boolean;
    allowedOrigins: string[];
    publicUrl?: string | undefined;
    encrypted: boolean;
  },
): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const normalized = origin.replace(/\/+$/, '').toLowerCase();
  const host = (options.trustProxy ? lastValue(headers['x-forwarded-host']) : undefined) ?? headers.host;
  const proto =
    (options.trustProxy ? lastValue(headers['x-forwarded-proto']) : undefined) ??
    (options.encrypted ? 'https' : 'http');
  const own = host ? `${proto}://${host}`.toLowerCase() : undefined;
  const allowed = [own, options.publicUrl && new URL(options.publicUrl).origin, ...options.allowedOrigins]
    .filter((o): o is string => Boolean(o))
    .map((o) => o.toLowerCase());
  return allowed.includes(normalized);
}

/** The value our proxy added: the last one (a client may send its own in front of it). */
function lastValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v.at(-1) : v;
  return s?.split(',').at(-1)?.trim();
}
