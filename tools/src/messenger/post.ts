import { signBody } from './sign';
import type { WebhookBody } from './types';

export interface PostWebhookOptions {
  /** 'valid' (default) signs with `appSecret`; 'invalid' sends a well-formed wrong signature; 'none' omits it */
  signature?: 'valid' | 'invalid' | 'none';
  /** abort after this many ms (default 10,000); the fetch then rejects with a TimeoutError */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PostWebhookResult {
  status: number;
  ok: boolean;
  /** from sending the request to the bot's whole answer read, ms (fractional) */
  durationMs: number;
  /** the answer body as text (the bot's acknowledgement is usually tiny) */
  body: string;
}

/** `http://host:3000` → `http://host:3000/webhook`; a URL that already ends in /webhook is kept. */
export function webhookUrl(botUrl: string): string {
  const url = new URL(botUrl);
  if (!url.pathname.endsWith('/webhook')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/webhook`;
  return url.toString();
}

/**
 * POSTs a webhook body to the bot the way Meta does: JSON, signed over the exact bytes sent. Pass
 * a string to send those bytes verbatim (e.g. to replay an earlier delivery). Network failures
 * reject; any HTTP answer resolves.
 */
export async function postWebhook(
  botUrl: string,
  body: WebhookBody | string,
  appSecret: string,
  options: PostWebhookOptions = {},
): Promise<PostWebhookResult> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const mode = options.signature ?? 'valid';
  if (mode === 'valid') headers['x-hub-signature-256'] = signBody(raw, appSecret);
  // Well-formed but wrong, so the bot's rejection is tested beyond a simple format check.
  if (mode === 'invalid') headers['x-hub-signature-256'] = signBody(raw, `${appSecret}-wrong`);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  const started = performance.now();
  const res = await fetch(webhookUrl(botUrl), { method: 'POST', headers, body: raw, signal });
  const text = await res.text();
  return { status: res.status, ok: res.ok, durationMs: performance.now() - started, body: text };
}
