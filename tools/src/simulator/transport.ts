import http from 'node:http';
import https from 'node:https';
import { signBody } from '../messenger/sign';

export interface WebhookAnswer {
  status: number;
  /** from sending to the whole answer read, ms */
  durationMs: number;
}

export interface WebhookTransport {
  /** POSTs the raw body, signed; rejects on network failure or after `timeoutMs` (name TimeoutError) */
  post(raw: string, timeoutMs: number): Promise<WebhookAnswer>;
  close(): void;
}

/**
 * The simulator's sender: node:http with a keep-alive pool rather than fetch. In Node 20 fetch
 * costs about five times more CPU per request, which made the simulator, not the bot, the
 * bottleneck in load mode. `postWebhook` (fetch) stays the simple API for tests.
 */
export function createTransport(webhookUrl: string, appSecret: string, maxSockets: number): WebhookTransport {
  const url = new URL(webhookUrl);
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const path = `${url.pathname}${url.search}`;

  return {
    post(raw, timeoutMs) {
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const req = client.request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(raw),
              'x-hub-signature-256': signBody(raw, appSecret),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, durationMs: performance.now() - started });
            });
            res.on('error', fail);
          },
        );
        const timer = setTimeout(() => {
          const err = new Error(`no answer within ${timeoutMs} ms`);
          err.name = 'TimeoutError';
          req.destroy(err);
        }, timeoutMs);
        function fail(err: Error) {
          clearTimeout(timer);
          reject(err);
        }
        req.on('error', fail);
        req.end(raw);
      });
    },
    close: () => agent.destroy(),
  };
}
