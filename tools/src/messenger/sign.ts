import { createHmac, timingSafeEqual } from 'node:crypto';

/** Meta's `X-Hub-Signature-256` value for a raw body: `sha256=<hex HMAC-SHA256 with the app secret>`. */
export function signBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** For test servers that stand in for the bot: does `header` sign `rawBody`? (constant time) */
export function isValidSignature(
  rawBody: string | Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(rawBody, appSecret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
