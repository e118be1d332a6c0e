import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractUserEvents, messageText, storableEvent, webhookBodySchema } from './events';

// What the bot keeps of a webhook body must be storable by PostgreSQL whatever Meta (or an
// attacker with the app secret) sends: jsonb and text refuse NUL and lone surrogates, jsonb refuses
// very deep nesting, timestamptz (through an ISO string) years beyond 9999.

const PAGE = '104828345670001';
const USER = '6610000000000001';

function body(events: unknown[], time = 1_764_067_200_000) {
  return webhookBodySchema.parse({ object: 'page', entry: [{ id: PAGE, time, messaging: events }] });
}

function text(value: string, extra: Record<string, unknown> = {}) {
  return {
    sender: { id: USER },
    recipient: { id: PAGE },
    timestamp: 1_764_067_200_001,
    message: { mid: 'm_1', text: value, ...extra },
  };
}

/** JSON.stringify writes NUL and lone surrogates as escapes: exactly what PostgreSQL refuses. */
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

describe('storableEvent', () => {
  it.each([
    ['NUL', 'a\u0000b', 'a\ufffdb'],
    ['a lone high surrogate', 'a\ud800b', 'a\ufffdb'],
    ['a lone low surrogate', '\udc00b', '\ufffdb'],
    ['reversed pair', '\udfff\ud800', '\ufffd\ufffd'],
    ['a pair at the end, cut', 'x\ud83d', 'x\ufffd'],
  ])('replaces %s by U+FFFD', (_what, input, stored) => {
    const [event] = extractUserEvents(body([text(input)])).events;
    expect(messageText(event!.event)).toBe(stored);
  });

  it('keeps well-formed text, emoji and other scripts as they are', () => {
    for (const t of [
      '👋🏽‍👩‍👩‍👧',
      'Zoë 日本語 עברית',
      "'; DROP TABLE conversations; --",
      '<script>alert(1)</script>',
      '',
    ]) {
      const [event] = extractUserEvents(body([text(t)])).events;
      expect(messageText(event!.event)).toBe(t);
    }
  });

  it('cleans keys, ids and mids too', () => {
    const raw = { ...text('hi'), sender: { id: `${USER}\u0000` }, 'x\u0000': { '\ud800': 1 } };
    raw.message.mid = 'm_\u0000';
    const [event] = extractUserEvents(body([raw])).events;
    expect(event!.senderId).toBe(`${USER}\ufffd`);
    expect(event!.dedupKey).toBe('m_\ufffd');
    expect(event!.event).toHaveProperty(['x\ufffd', '\ufffd'], 1);
    expect(JSON.stringify(event!.event)).not.toMatch(UNSTORABLE_ESCAPE);
  });

  it('keeps a "__proto__" key a plain key (no prototype pollution)', () => {
    const raw = JSON.parse(
      `{"sender":{"id":"${USER}"},"timestamp":1,"message":{"mid":"m_p","text":"x"},"__proto__":{"polluted":true}}`,
    );
    const stored = storableEvent(raw) as Record<string, unknown>;
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.hasOwn(stored, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(stored)).toContain('"__proto__":{"polluted":true}');
  });

  it('refuses an event nested deeper than 32 levels (malformed), accepts one just under', () => {
    const nest = (depth: number) => {
      let v: unknown = 1;
      // The event is level 1, its message level 2: `extra` holds the remaining levels.
      for (let i = 0; i < depth - 2; i++) v = [v];
      return v;
    };
    const ok = extractUserEvents(body([text('ok', { extra: nest(32) })]));
    expect(ok.events).toHaveLength(1);
    const deep = extractUserEvents(body([text('deep', { extra: nest(33) }), text('other', { mid: 'm_2' })]));
    expect(deep.ignored).toEqual({ malformed: 1 });
    // The other event of the same body is kept.
    expect(deep.events.map((e) => messageText(e.event))).toEqual(['other']);
    expect(storableEvent(nest(100_000))).toBeUndefined();
  });

  it('any JSON becomes storable JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.string({ unit: 'binary' }), (value, s) => {
        const stored = storableEvent({ value, s, [s]: s });
        expect(JSON.stringify(stored)).not.toMatch(UNSTORABLE_ESCAPE);
      }),
      { seed: 7101, numRuns: 1000 },
    );
  });
});

describe('event times', () => {
  it.each([
    ['year 10000', 253_402_300_800_000],
    ['beyond Date', 8_640_000_000_000_001],
    ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
  ])('an event timestamp in %s is malformed, not a storage failure', (_what, ts) => {
    const parsed = extractUserEvents(body([{ ...text('x'), timestamp: ts }]));
    expect(parsed).toEqual({ events: [], ignored: { malformed: 1 } });
  });

  it.each([
    ['negative', -1],
    ['year 10000', 253_402_300_800_000],
    ['1e300', 1e300],
    ['-1e300', -1e300],
  ])('without its own timestamp, an entry time %s is malformed', (_what, time) => {
    const { timestamp: _t, ...noTimestamp } = text('x');
    expect(extractUserEvents(body([noTimestamp], time))).toEqual({ events: [], ignored: { malformed: 1 } });
  });

  it('the last millisecond of 9999 and the epoch are kept', () => {
    for (const ts of [0, Date.UTC(9999, 11, 31, 23, 59, 59, 999)]) {
      const [event] = extractUserEvents(body([{ ...text('x'), timestamp: ts }])).events;
      expect(new Date(event!.timestampMs).toISOString()).toMatch(/^\d{4}-/);
    }
  });
});
