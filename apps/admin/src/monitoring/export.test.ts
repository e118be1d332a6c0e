import { describe, expect, it } from 'vitest';
import { neutralise } from './export';

describe('neutralise (CSV formula injection, OWASP)', () => {
  it.each([
    '=1+2',
    '+1',
    '-1',
    '@SUM(A1)',
    '\tx',
    '\rx',
    '\nx',
    ' =1+2',
    '   +1',
    '\u00a0-1',
    '\u3000@a',
    '\u200b=1',
    '\ufeff=1',
    '＝1+2',
    '＋1',
    '－1',
    '＠a',
    ' ＝1',
    '\u200e=1',
    '\u202e=1',
    '\u2066=1',
    '\u00ad=1',
    '\u180e=1',
    '\u2061=1',
    '\u3164=1',
    '\u0085=1',
    '\u001f=1',
  ])('%j gets a leading apostrophe', (value) => {
    expect(neutralise(value)).toBe(`'${value}`);
  });

  it.each(['plain', '  spaces around  ', 'a=b', '1+1', 'e-mail', '', "'already", 'x\n=1'])(
    '%j is left as it is',
    (value) => {
      expect(neutralise(value)).toBe(value);
    },
  );
});
