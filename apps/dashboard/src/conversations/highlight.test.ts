import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight';

const marked = (text: string, q: string) =>
  highlightSegments(text, q)
    .map((s) => (s.match ? `[${s.text}]` : s.text))
    .join('');

describe('highlightSegments', () => {
  it('marks every word of the search, case-insensitively, in any script', () => {
    expect(marked('Schöne Grüße aus MÜNCHEN', 'grüße münchen')).toBe('Schöne [Grüße] aus [MÜNCHEN]');
    expect(marked('ПРИВЕТ мир, привет', 'Привет')).toBe('[ПРИВЕТ] мир, [привет]');
    expect(marked('日本語テストです', '日本語')).toBe('[日本語]テストです');
  });
  it('takes the search literally, markup and regex characters included', () => {
    expect(marked('<img src=x onerror=alert(1)>', '<img')).toBe('[<img] src=x onerror=alert(1)>');
    expect(marked('a.b a*b (c)', '.* (c)')).toBe('a.b a*b [(c)]');
  });
  it('gives the text unmarked without a search, nothing for no text', () => {
    expect(highlightSegments('hello', '')).toEqual([{ text: 'hello', match: false }]);
    expect(highlightSegments('', 'x')).toEqual([]);
  });
});
