import { Pool } from 'undici';
import { BatchWriter } from '../pipeline/batch-writer';
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
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Calls that meet in flight go to Meta as one batch request (at most 50 operations, Meta's limit):
 * a call goes out alone at once while fewer than `PARTIAL_SLOTS` requests are in flight; beyond
 * that, calls wait for a free slot and go together, and a full batch takes one of up to
 * `FULL_SLOTS`. Quiet traffic is unchanged; under load a call costs a fraction of an HTTP request,
 * at the price of waiting up to one round trip for a slot. A request out for longer than
 * `STUCK_AFTER_MS` gives its slot up, so a Graph API that hangs until the timeout does not hold
 * back the calls behind it.
 */
const MAX_BATCH = 50;
const PARTIAL_SLOTS = 4;
const FULL_SLOTS = 64;
const STUCK_AFTER_MS = 1_000;

interface GraphCall {
  method: 'GET' | 'POST';
  /** starts with '/' and may carry a query string already */
  path: string;
  json?: Record<string, unknown>;
}

type CallResult = { ok: true; body: unknown } | { ok: false; error: DependencyError };

/** A request body with its content type. */
interface Payload {
  text: string;
  headers: Record<string, string>;
}

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
  private readonly calls = new BatchWriter<GraphCall, CallResult>(
    (calls) => this.flush(calls),
    MAX_BATCH,
    PARTIAL_SLOTS,
    { maxConcurrentFull: FULL_SLOTS, stuckAfterMs: STUCK_AFTER_MS },
  );

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

  /**
   * Closes the connections. A call still out fails at once rather than hold the bot's shutdown
   * until its timeout (stop() closes the client only after the queue drained).
   */
  close(): Promise<void> {
    return this.pool.destroy();
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
    // Alone and at once: the health probe must not wait behind the calls queued for a slot.
    await this.exchange('GET', '/me?fields=id,name');
  }

  private async request<T>(method: 'GET' | 'POST', path: string, json?: Record<string, unknown>): Promise<T> {
    const result = await this.calls.write({ method, path, json });
    if (!result.ok) throw result.error;
    return result.body as T;
  }

  /** One call alone as its own request; several as one batch request. */
  private async flush(calls: GraphCall[]): Promise<CallResult[]> {
    if (calls.length === 1) {
      const [call] = calls as [GraphCall];
      const payload = call.json && { text: JSON.stringify(call.json), headers: JSON_HEADERS };
      return [await settle(this.exchange(call.method, call.path, payload))];
    }
    const operations = calls.map((c) => ({
      method: c.method,
      relative_url: c.path.slice(1),
      ...(c.json ? { body: formEncode(c.json) } : {}),
    }));
    const outer = await settle(
      this.exchange('POST', '/', {
        text: `include_headers=false&batch=${encodeURIComponent(JSON.stringify(operations))}`,
        headers: FORM_HEADERS,
      }),
    );
    if (!outer.ok) return calls.map(() => outer);
    const answers = outer.body;
    if (!Array.isArray(answers) || answers.length !== calls.length) {
      const error = new DependencyError(
        `Graph API answered a batch of ${calls.length} with ${Array.isArray(answers) ? answers.length : 'no'} results`,
        true,
        'bad_response',
        200,
      );
      return calls.map(() => ({ ok: false, error }));
    }
    return answers.map(batchAnswer);
  }

  /** One HTTP request to the Graph API; its parsed body, or a DependencyError with Meta's code. */
  private async exchange(method: 'GET' | 'POST', path: string, payload?: Payload): Promise<unknown> {
    let status: number;
    let text: string;
    let retryAfterHeader: string | string[] | undefined;
    try {
      const res = await this.pool.request({
        method,
        path: `${this.prefix}${path}${path.includes('?') ? '&' : '?'}${this.token}`,
        headers: payload?.headers,
        body: payload?.text,
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
    const retryAfter = Number(Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader);
    return parseAnswer(
      status,
      text,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}

/** A Graph API answer (a whole response or one of a batch's): its body, or the error Meta gave. */
function parseAnswer(status: number, text: string, retryAfterMs: number | undefined): unknown {
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
  if (status >= 200 && status < 300) return body;
  const e = (body as GraphErrorBody).error;
  const code = e?.code;
  throw new DependencyError(
    `Graph API ${code ?? status}: ${e?.message ?? `HTTP ${status}`}`,
    status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code)),
    code ?? status,
    status,
    retryAfterMs,
  );
}

/**
 * One answer of a batch request: `{code, body}` with the body as a JSON string, or null when Meta
 * did not complete the call (a retryable timeout).
 */
function batchAnswer(answer: unknown): CallResult {
  try {
    if (answer === null)
      throw new DependencyError('Graph API did not complete the call in its batch', true, 'timeout');
    const { code, body } = (answer ?? {}) as { code?: unknown; body?: unknown };
    if (typeof code !== 'number')
      throw new DependencyError(
        'Graph API answered a batch call without a status',
        true,
        'bad_response',
        200,
      );
    return { ok: true, body: parseAnswer(code, typeof body === 'string' ? body : '', undefined) };
  } catch (err) {
    return { ok: false, error: err as DependencyError };
  }
}

function settle(answer: Promise<unknown>): Promise<CallResult> {
  return answer.then(
    (body) => ({ ok: true, body }),
    (err: unknown) => ({
      ok: false,
      error: err instanceof DependencyError ? err : new DependencyError(String(err), true, 'network'),
    }),
  );
}

/** A batch operation's body: form fields, objects as JSON (how Meta documents batched POSTs). */
function formEncode(fields: Record<string, unknown>): string {
  return new URLSearchParams(
    Object.entries(fields).map(([k, v]): [string, string] => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  ).toString();
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
