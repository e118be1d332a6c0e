import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactPii } from './redact';

// REDACT_PII=1: what the bot stores instead of the user's text. Every e-mail address and phone
// number (7 digits or more, international or local format) goes; ordinary numbers stay.

const redacted: Array<[string, string, string]> = [
  // e-mail addresses
  ['a plain address', 'write to anna@example.com please', 'write to [email] please'],
  ['dots, plus tag, subdomains', 'x john.doe+tag@mail.example.co.uk y', 'x [email] y'],
  ['upper case', 'JOHN_DOE@EXAMPLE.ORG', '[email]'],
  ['an accented domain', 'mail: jürgen@müller.de.', 'mail: [email].'],
  ['next to punctuation', '(anna@example.com), <bob@example.net>', '([email]), <[email]>'],
  ['two addresses', 'a@b.io or c@d.io', '[email] or [email]'],
  // phone numbers, international
  ['E.164', 'call +4930123456789', 'call [phone]'],
  ['French, spaced', 'mon numéro: +33 6 12 34 56 78', 'mon numéro: [phone]'],
  ['UK, spaced', '+44 20 7946 0958 after 6pm', '[phone] after 6pm'],
  ['US with country code and area code', 'ring +1 (555) 123-4567!', 'ring [phone]!'],
  ['German, dashes', 'Tel. +49-30-1234567.', 'Tel. [phone].'],
  ['with a tel: prefix', 'tel:+4930123456', 'tel:[phone]'],
  // phone numbers, local
  ['US area code in parentheses', 'call (555) 123-4567 now', 'call [phone] now'],
  ['German area code in parentheses', 'Festnetz (030) 123456', 'Festnetz [phone]'],
  ['French, spaced', '06 12 34 56 78', '[phone]'],
  ['French, dotted', '06.12.34.56.78', '[phone]'],
  ['French, run together', 'sms au 0612345678', 'sms au [phone]'],
  ['seven digits with a dash', 'dial 555-1234', 'dial [phone]'],
  ['seven digits with a space', 'dial 555 1234', 'dial [phone]'],
  ['in parentheses, no area code', '(5551234)', '([phone])'],
  ['one dot, not a price', 'ruf 0612.345678 an', 'ruf [phone] an'],
  ['a dotted date-like prefix', '12.34.5678', '[phone]'],
  ['a phone and a date', 'on 2026-03-08 call 0612345678', 'on 2026-03-08 call [phone]'],
  ['an e-mail and a phone', 'anna@example.com / +33 6 12 34 56 78', '[email] / [phone]'],
];

const kept: Array<[string, string]> = [
  ['prices', 'a cleaning is $89.99, a crown 1,299.00 EUR or 12345.67 CHF'],
  ['a price at the end of a sentence', 'the total is 12345.67.'],
  ['times', 'open 9:00-18:00, Sat 09:30–14:00, 10.30 works too'],
  ['years', 'since 1998, in 2024 and 2025'],
  ['a year range', 'the 2024-2025 season'],
  ['ISO dates', 'can I book 2026-03-08 at 10:30?'],
  ['European and US dates', 'on 08.03.2026 or 03/08/2026 or 8-3-2026'],
  ['a date and a time', '2026-03-08 10:30'],
  ['a date in parentheses', 'next visit (2026-03-08), last (08.03.2025)'],
  ['small counts', 'table for 4, 2 adults and 2 kids, 3 nights'],
  ['six digits', 'code 123456'],
  ['decimals', 'pi is 3.14159265'],
  ['versions', 'app v1.2.3'],
  ['not e-mail addresses', 'user@localhost, @handle, a@b, mail@x.y'],
  ['no text', ''],
  ['emoji and other scripts', 'Zoë 👋 café 日本語'],
];

describe('redactPii', () => {
  it.each(redacted)('%s: %j', (_what, input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each(kept)('keeps %s', (_what, input) => {
    expect(redactPii(input)).toBe(input);
  });

  it('leaves no run of 7 digits of a phone number behind', () => {
    for (const [, input] of redacted) {
      const digits = redactPii(input)
        .replace(/\d{4}-\d{2}-\d{2}/g, '')
        .replace(/\D/g, '');
      expect(digits.length, input).toBeLessThan(7);
    }
  });

  it('is idempotent', () => {
    for (const [, input, expected] of redacted) expect(redactPii(expected), input).toBe(expected);
  });

  const word = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzäöüé'.split('')),
    minLength: 1,
    maxLength: 8,
  });

  it('redacts any phone number of 9 or more digits written with one kind of separator', () => {
    const digits = (min: number, max: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: min, maxLength: max });
    const phone = fc
      .record({
        prefix: fc.oneof(
          digits(1, 3).map((cc) => `+${cc}`),
          fc.constantFrom('0', '(0'),
        ),
        groups: fc.array(digits(2, 4), { minLength: 1, maxLength: 5 }),
        sep: fc.constantFrom(' ', '-', '.', ''),
      })
      .map(({ prefix, groups, sep }) => {
        const body = groups.join(sep);
        if (prefix === '(0') return `(0${groups[0]}) ${groups.slice(1).join(sep)}`.trimEnd();
        return prefix.startsWith('+') ? `${prefix} ${body}` : `${prefix}${body}`;
      })
      .filter((p) => p.replace(/\D/g, '').length >= 9);
    fc.assert(
      fc.property(word, phone, word, (before, number, after) => {
        expect(redactPii(`${before} ${number} ${after}`)).toBe(`${before} [phone] ${after}`);
      }),
      { seed: 7001, numRuns: 500 },
    );
  });

  it('keeps prices, times, years, dates and small counts between words', () => {
    const pad = (n: number) => String(n).padStart(2, '0');
    const ordinary = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99 }))
        .map(([a, b]) => `${a}.${pad(b)}`),
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([h, m]) => `${pad(h)}:${pad(m)}`),
      fc.integer({ min: 1900, max: 2099 }).map(String),
      fc
        .date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .chain((d) =>
          fc.constantFrom(
            d.toISOString().slice(0, 10),
            `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`,
          ),
        ),
      fc.integer({ min: 0, max: 999_999 }).map(String),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(word, ordinary), { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map(([w, n]) => `${w} ${n}`).join(' ');
        expect(redactPii(text)).toBe(text);
      }),
      { seed: 7002, numRuns: 500 },
    );
  });

  it('takes linear time: 100,000 adversarial characters (the longest text the webhook accepts) in well under a second', () => {
    // A quadratic pattern needs seconds for these (measured: 0.5 s for 32,000 characters of "1.").
    for (const unit of ['1.', '1', '1 ', 'a.', '(1) ', 'a@', '1-', '1a', '2026-03-08 ']) {
      const text = `${unit.repeat(Math.floor(100_000 / unit.length))}x`;
      const started = performance.now();
      redactPii(text);
      expect(performance.now() - started, JSON.stringify(unit)).toBeLessThan(1_000);
    }
  });
});
