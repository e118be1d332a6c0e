import { describe, expect, it } from 'vitest';
import { makeMessage } from '../test/fixtures';
import { maxMessageId, mergeFeed } from './feed';

const ids = (list: ReadonlyArray<{ id: number }>) => list.map((m) => m.id);

describe('mergeFeed', () => {
  it('keeps newest first by id, whatever the arrival order', () => {
    expect(ids(mergeFeed([makeMessage(2)], [makeMessage(5), makeMessage(1), makeMessage(3)]))).toEqual([
      5, 3, 2, 1,
    ]);
  });
  it('drops duplicates (snapshot and replay overlap) and keeps the later copy', () => {
    const merged = mergeFeed([makeMessage(2, { reply_text: null })], [makeMessage(2, { reply_text: 'hi' })]);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.reply_text).toBe('hi');
  });
  it('keeps at most the capacity, dropping the oldest', () => {
    const many = Array.from({ length: 60 }, (_, i) => makeMessage(i + 1));
    const merged = mergeFeed([], many);
    expect(merged).toHaveLength(50);
    expect(merged[0]?.id).toBe(60);
    expect(merged[49]?.id).toBe(11);
    expect(ids(mergeFeed(merged, [makeMessage(5)]))).not.toContain(5);
  });
});

describe('maxMessageId', () => {
  it('is the resume point', () => {
    expect(maxMessageId([makeMessage(4), makeMessage(9), makeMessage(2)])).toBe(9);
    expect(maxMessageId([])).toBeNull();
  });
});
