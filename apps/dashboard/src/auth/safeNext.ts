/**
 * Where to go after logging in. Only same-site paths: `?next=//evil.example` or an absolute URL
 * must not turn the login page into an open redirect.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?')) return '/';
  return next;
}

export function loginPathFor(location: { pathname: string; search: string }): string {
  const intended = `${location.pathname}${location.search}`;
  return intended === '/' ? '/login' : `/login?next=${encodeURIComponent(intended)}`;
}
