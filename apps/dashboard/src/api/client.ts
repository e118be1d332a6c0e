import type { ApiError } from '@botpulse/protocol';

/** Every failed API call becomes this, so components can show `message` in words. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly parameter: string | undefined;
  /** From `Retry-After` on 429, in seconds. */
  readonly retryAfterS: number | undefined;

  constructor(status: number, body: Partial<ApiError>, retryAfterS?: number) {
    super(body.message ?? `Request failed (${status})`);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = body.error ?? 'error';
    this.parameter = body.parameter;
    this.retryAfterS = retryAfterS;
  }
}

export function isUnauthorized(err: unknown): boolean {
  return err instanceof ApiRequestError && err.status === 401;
}

/** 4xx answers will not change by asking again; network errors and 5xx might. */
export function isRetryable(err: unknown): boolean {
  return !(err instanceof ApiRequestError) || err.status === 0 || err.status >= 500;
}

export type QueryValue = string | number | undefined | null;

export function toQueryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface ApiFetchInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function readErrorBody(res: Response): Promise<Partial<ApiError>> {
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') return body as Partial<ApiError>;
  } catch {
    // Not JSON (a proxy's HTML error page): fall through to a generic message.
  }
  return { error: 'http_error', message: `The server answered ${res.status} ${res.statusText}`.trim() };
}

/**
 * Same-origin JSON request with the session cookie. The server's JSON is trusted to match the
 * shared protocol types (they are compiled into both sides); the bundle carries no validator.
 */
export async function apiFetch<T>(path: string, init: ApiFetchInit = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiRequestError(0, {
      error: 'network',
      message: 'Cannot reach the admin server. Check that it is running and your connection.',
    });
  }
  if (!res.ok) {
    throw new ApiRequestError(
      res.status,
      await readErrorBody(res),
      parseRetryAfter(res.headers.get('Retry-After')),
    );
  }
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json();
  return body as T;
}
