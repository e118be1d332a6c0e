import { vi } from 'vitest';

export interface MockResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (url: URL, init: RequestInit | undefined) => MockResponse | Promise<MockResponse>;

export interface ApiCall {
  method: string;
  url: URL;
  body: unknown;
}

/**
 * Stubs `fetch` with handlers keyed "METHOD /path". Unmatched requests answer 404 so a test
 * fails loudly instead of hanging. Returns the log of calls for assertions.
 */
export function mockApi(routes: Record<string, MockResponse | Handler>): ApiCall[] {
  const calls: ApiCall[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      'http://localhost',
    );
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, body });
    const route = routes[`${method} ${url.pathname}`];
    const answer =
      typeof route === 'function'
        ? await route(url, init)
        : (route ?? {
            status: 404,
            body: { error: 'not_found', message: `No mock for ${method} ${url.pathname}` },
          });
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { 'Content-Type': 'application/json', ...answer.headers },
    });
  });
  vi.stubGlobal('fetch', fetchStub);
  return calls;
}

export const SESSION = { username: 'admin', expires_at: '2099-01-01T00:00:00Z' };
