import type { IncomingHttpHeaders } from 'node:http';
import { safeEqual } from './safe-equal';

/**
 * The path a request names, however it is spelled: percent-encoding undone (repeatedly, so
 * `%2561` is `a` too), `;` path parameters, NULs, empty and `.` segments dropped, `..` resolved,
 * backslashes read as slashes, lower case. Used to recognise a protected area (`/api`, `/debug`,
 * `/metrics`) in requests the router did not match, which are refused like the matched ones.
 */
export function canonicalPath(url: string): string {
  // An absolute-form target (`GET http://host/api/x HTTP/1.1`) names the path after its authority.
  let path = (url.split(/[?#]/, 1)[0] ?? '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  for (let i = 0; i < 4 && path.includes('%'); i++) {
    const decoded = path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (decoded === path) break;
    path = decoded;
  }
  const segments: string[] = [];
  for (const raw of path.split(/[/\\]/)) {
    const segment = raw.split(';', 1)[0]!.replaceAll('\u0000', '').trim();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`.toLowerCase();
}

/** Whether a canonical path is `area` itself or below it (`/api`, `/api/x`, not `/apix`). */
export function isUnder(path: string, area: string): boolean {
  return path === area || path.startsWith(`${area}/`);
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() || undefined : undefined;
}

/** `/debug/*` and `/metrics` on both services: a constant-time check of the DEBUG_TOKEN. */
export function debugTokenValid(presented: unknown, expected: string | undefined): boolean {
  // A repeated `?token=` arrives as an array: not a token.
  return typeof presented === 'string' && Boolean(expected && presented) && safeEqual(presented, expected!);
}

export const DEBUG_TOKEN_REQUIRED = {
  error: 'unauthorized',
  message: 'Authorization: Bearer <DEBUG_TOKEN> is required',
} as const;
