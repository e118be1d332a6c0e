import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifySignature } from './signature';

// X-Hub-Signature-256 over the exact bytes received: any change to the bytes, even one that
// leaves the JSON equal, makes it invalid; the header's format is strict.

const SECRET = 'app-secret-for-tests';
const sign = (body: Buffer | string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifySignature', () => {
  const body = Buffer.from('{"object":"page","entry":[]}');

  it('accepts the HMAC of the exact bytes, in either hex case, with surrounding spaces', () => {
    expect(verifySignature(body, sign(body), SECRET)).toBe('valid');
    expect(verifySignature(body, `sha256=${sign(body).slice(7).toUpperCase()}`, SECRET)).toBe('valid');
    expect(verifySignature(body, ` ${sign(body)} `, SECRET)).toBe('valid');
  });

  it('refuses the same JSON written differently, another secret, and a missing header', () => {
    const spaced = Buffer.from('{"object": "page", "entry": []}');
    expect(JSON.parse(spaced.toString())).toEqual(JSON.parse(body.toString()));
    expect(verifySignature(spaced, sign(body), SECRET)).toBe('invalid');
    expect(verifySignature(body, sign(body, `${SECRET}x`), SECRET)).toBe('invalid');
    expect(verifySignature(body, undefined, SECRET)).toBe('missing');
    expect(verifySignature(body, '', SECRET)).toBe('missing');
  });

  it.each([
    ['sha1 instead of sha256', `sha1=${createHmac('sha1', SECRET).update('x').digest('hex')}`],
    ['no prefix', sign(Buffer.from('{"object":"page","entry":[]}')).slice(7)],
    ['upper-case prefix', `SHA256=${sign(Buffer.from('{"object":"page","entry":[]}')).slice(7)}`],
    ['one hex digit short', sign(Buffer.from('{"object":"page","entry":[]}')).slice(0, -1)],
    ['one hex digit too many', `${sign(Buffer.from('{"object":"page","entry":[]}'))}0`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['two signatures', `${sign(Buffer.from('{"object":"page","entry":[]}'))},${sign(Buffer.from('x'))}`],
  ])('refuses a malformed header: %s', (_what, header) => {
    expect(verifySignature(Buffer.from('{"object":"page","entry":[]}'), header, SECRET)).toBe('invalid');
  });

  it('signs bytes, not text: invalid UTF-8 and a BOM are covered as received', () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0xfe, 0x7d]);
    expect(verifySignature(bytes, sign(bytes), SECRET)).toBe('valid');
    // Decoding and re-encoding would change the bytes (U+FFFD): no longer the signed body.
    const reencoded = Buffer.from(bytes.toString('utf8'));
    expect(verifySignature(reencoded, sign(bytes), SECRET)).toBe('invalid');
  });

  it('any change of any byte invalidates the signature', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (raw, at, flip) => {
          const original = Buffer.from(raw);
          const header = sign(original);
          expect(verifySignature(original, header, SECRET)).toBe('valid');
          const changed = Buffer.from(original);
          const i = at % changed.length;
          changed[i] = changed[i]! ^ flip;
          expect(verifySignature(changed, header, SECRET)).toBe('invalid');
        },
      ),
      { seed: 7201, numRuns: 300 },
    );
  });
});
