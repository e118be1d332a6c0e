import { Pool } from 'undici';
import { DependencyError } from './retry';

export interface UserProfile {
  first_name: string | null;
  last_name: string | null;
  profile_pic: string | null;
}

interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number };
}

/** Graph API codes worth retrying: rate limits (4, 17, 32, 613) and temporary errors (1, 2). */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 613]);
const MAX_MESSAGE_CHARS = 2000;
const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Facebook's Graph API as the bot uses it: the Send API, the User Profile API and a cheap call
 * for the health check. Every error becomes a DependencyError with Meta's code and message.
 */
export class GraphApiClient {
  // undici's request API on a keep-alive pool for the one origin: a fraction of fetch()'s cost per
  // call, which matters at thousands of Send API calls per second. The path prefix and the token's
  // query parameter are built once; a call only appends its own path (no URL parsed per call).
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly token: string;

  constructor(
    baseUrl: string,
    pageAccessToken: string,
    private readonly timeoutMs = 10_000,
  ) {
    const base = new URL(baseUrl);
    this.pool = new Pool(base.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
    this.prefix = base.pathname.replace(/\/$/, '');
    this.token = `access_token=${encodeURIComponent(pageAccessToken)}`;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Sends `text` as one or more messages (the Send API takes at most 2,000 characters each). */
  async sendText(recipientId: string, text: string): Promise<string[]> {
    const ids: string[] = [];
    for (const part of splitMessage(text, MAX_MESSAGE_CHARS)) {
      const body = await this.request<{ message_id: string }>('POST', '/me/messages', {
        recipient: { id: recipientId },
        messaging_type: 'RESPONSE',
        message: { text: part },
      });
      ids.push(body.message_id);
    }
    return ids;
  }

  async getProfile(psid: string): Promise<UserProfile> {
    const body = await this.request<{ first_name?: string; last_name?: string; profile_pic?: string }>(
      'GET',
      `/${encodeURIComponent(psid)}?fields=first_name,last_name,profile_pic`,
    );
    return {
      first_name: body.first_name ?? null,
      last_name: body.last_name ?? null,
      profile_pic: body.profile_pic ?? null,
    };
  }

  /** The background health check: can we reach the Graph API with this token? */
  async checkPage(): Promise<void> {
    await this.request('GET', '/me?fields=id,name');
  }

  /** `path` starts with '/' and may carry a query string already */
  private async request<T>(method: 'GET' | 'POST', path: string, json?: unknown): Promise<T> {
    let status: number;
    let text: string;
    let retryAfterHeader: string | string[] | undefined;
    try {
      const res = await this.pool.request({
        method,
        path: `${this.prefix}${path}${path.includes('?') ? '&' : '?'}${this.token}`,
        headers: json ? JSON_HEADERS : undefined,
        body: json ? JSON.stringify(json) : undefined,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      retryAfterHeader = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      const timeout = ((err as { code?: string }).code ?? '').includes('TIMEOUT');
      throw new DependencyError(
        timeout
          ? `Graph API timed out after ${this.timeoutMs} ms`
          : `Graph API unreachable: ${(err as Error).message}`,
        true,
        timeout ? 'timeout' : 'network',
      );
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new DependencyError(
        `Graph API answered HTTP ${status} with a non-JSON body`,
        status >= 500,
        'bad_response',
        status,
      );
    }
    if (status >= 200 && status < 300) return body as T;
    const e = (body as GraphErrorBody).error;
    const code = e?.code;
    const retryAfter = Number(Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader);
    throw new DependencyError(
      `Graph API ${code ?? status}: ${e?.message ?? `HTTP ${status}`}`,
      status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code)),
      code ?? status,
      status,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}

/**
 * Splits text into parts of at most `max` characters, preferring paragraph, sentence and word
 * boundaries, never splitting a surrogate pair.
 */
export function splitMessage(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = -1;
    for (const sep of ['\n\n', '\n', '. ', ' ']) {
      const at = rest.lastIndexOf(sep, max - sep.length);
      if (at > max / 2) {
        cut = at + sep.length;
        break;
      }
    }
    if (cut <= 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
