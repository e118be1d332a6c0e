import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { entry, textMessage, webhookBody } from './builders';
import { postWebhook, webhookUrl } from './post';
import { isValidSignature, signBody } from './sign';

describe('signBody', () => {
  it('matches a published HMAC-SHA256 test vector', () => {
    // RFC-style vector used by Wikipedia's HMAC article.
    expect(signBody('The quick brown fox jumps over the lazy dog', 'key')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('signs the exact bytes: a string and its UTF-8 buffer agree, a re-serialization does not', () => {
    const raw = '{"object":"page","entry":[{"text":"Çа va? 你好 👋"}]}';
    expect(signBody(Buffer.from(raw, 'utf8'), 's3cret')).toBe(signBody(raw, 's3cret'));
    expect(signBody(JSON.stringify(JSON.parse(raw), null, 1), 's3cret')).not.toBe(signBody(raw, 's3cret'));
  });

  it('isValidSignature accepts only the right secret and body', () => {
    const header = signBody('body', 'secret');
    expect(isValidSignature('body', header, 'secret')).toBe(true);
    expect(isValidSignature('body!', header, 'secret')).toBe(false);
    expect(isValidSignature('body', header, 'other')).toBe(false);
    expect(isValidSignature('body', undefined, 'secret')).toBe(false);
    expect(isValidSignature('body', 'sha256=abc', 'secret')).toBe(false);
  });
});

describe('postWebhook', () => {
  const received: Array<{ url: string; signature: string | undefined; raw: string }> = [];
  let stop: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await stop?.();
    stop = undefined;
    received.length = 0;
  });

  async function fakeBot(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const header = req.headers['x-hub-signature-256'];
        received.push({
          url: req.url ?? '',
          signature: Array.isArray(header) ? header[0] : header,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200).end('EVENT_RECEIVED');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stop = () => new Promise((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('sends the body to /webhook with a valid, invalid or no signature', async () => {
    const url = await fakeBot();
    const body = webhookBody([
      entry('104828345670001', [textMessage({ psid: '6512340000000001', text: 'hi' })]),
    ]);
    const ok = await postWebhook(url, body, 'app-secret');
    expect(ok).toMatchObject({ status: 200, ok: true, body: 'EVENT_RECEIVED' });
    expect(ok.durationMs).toBeGreaterThan(0);
    await postWebhook(url, body, 'app-secret', { signature: 'invalid' });
    await postWebhook(url, body, 'app-secret', { signature: 'none' });

    expect(received.map((r) => r.url)).toEqual(['/webhook', '/webhook', '/webhook']);
    expect(JSON.parse(received[0]!.raw)).toEqual(body);
    expect(isValidSignature(received[0]!.raw, received[0]!.signature, 'app-secret')).toBe(true);
    expect(received[1]!.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(isValidSignature(received[1]!.raw, received[1]!.signature, 'app-secret')).toBe(false);
    expect(received[2]!.signature).toBeUndefined();
  });

  it('builds the webhook URL from a base URL', () => {
    expect(webhookUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/webhook');
    expect(webhookUrl('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000/webhook');
    expect(webhookUrl('http://h/bot/webhook')).toBe('http://h/bot/webhook');
  });

  it('rejects when the bot is unreachable', async () => {
    const url = await fakeBot();
    await stop?.();
    stop = undefined;
    await expect(postWebhook(url, '{}', 's')).rejects.toThrow();
  });
});
