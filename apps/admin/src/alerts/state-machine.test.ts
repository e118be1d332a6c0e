import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './channels';
import { formatDuration } from './notification';
import { retryDelayMs } from './outbox';
import { advance, initialState, type RuleState } from './state-machine';

const on = { active: true, value: 1, summary: 'bad', labels: {} };
const off = { active: false, value: 0, summary: '', labels: {} };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

function run(steps: Array<[number, boolean]>, forSeconds = 10, silenced = false) {
  let state: RuleState = initialState(at(0));
  const out: Array<{ t: number; to: string[]; notify: string | null }> = [];
  for (const [t, active] of steps) {
    const step = advance(state, active ? on : off, { now: at(t), forSeconds, repeatSeconds: 100, silenced });
    state = step.next;
    out.push({ t, to: step.transitions.map((x) => x.to), notify: step.notify });
  }
  return { state, out };
}

describe('advance', () => {
  it('pending for for_seconds, then firing once, then resolved with the duration', () => {
    const { out, state } = run([
      [0, true],
      [5, true],
      [10, true],
      [11, true],
      [20, false],
    ]);
    expect(out.map((o) => [o.to, o.notify])).toEqual([
      [['pending'], null],
      [[], null],
      [['firing'], 'firing'],
      [[], null],
      [['resolved'], 'resolved'],
    ]);
    expect(state.state).toBe('resolved');
  });

  it('a flap shorter than for_seconds sends nothing', () => {
    const { out } = run([
      [0, true],
      [5, false],
      [6, true],
      [9, false],
    ]);
    expect(out.every((o) => o.notify === null)).toBe(true);
    expect(out.flatMap((o) => o.to)).toEqual(['pending', 'normal', 'pending', 'normal']);
  });

  it('for_seconds 0 fires at once; a firing alert repeats every repeat_seconds', () => {
    const { out } = run(
      [
        [0, true],
        [50, true],
        [100, true],
        [150, true],
        [200, true],
      ],
      0,
    );
    expect(out.map((o) => o.notify)).toEqual(['firing', null, 'firing', null, 'firing']);
    expect(out[0]!.to).toEqual(['pending', 'firing']);
  });

  it('silenced: the state moves, nothing is sent', () => {
    const { out, state } = run(
      [
        [0, true],
        [10, true],
        [20, false],
      ],
      10,
      true,
    );
    expect(out.flatMap((o) => o.to)).toEqual(['pending', 'firing', 'resolved']);
    expect(out.every((o) => o.notify === null)).toBe(true);
    expect(state.notified).toBe(false);
  });
});

describe('delivery helpers', () => {
  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('backs off exponentially up to the cap; Retry-After wins when longer', () => {
    expect([0, 1, 2, 3, 10].map((a) => retryDelayMs(a, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(retryDelayMs(0, 200, 1000, 3000)).toBe(3000);
  });

  it('formats durations for a person', () => {
    expect([4, 192, 3_900, 90_000].map(formatDuration)).toEqual([
      '4 s',
      '3 min 12 s',
      '1 h 5 min',
      '1 d 1 h',
    ]);
  });
});
