import { describe, expect, it } from 'vitest';
import { UserActivity } from './user-activity';

const DAY = 1_440;
const TODAY_START = 20_000 * DAY;

describe('UserActivity', () => {
  it('counts each user once, in the bin of their latest minute', () => {
    const activity = new UserActivity();
    expect(activity.see('a', TODAY_START + 10)).toBe(-1);
    expect(activity.see('a', TODAY_START + 20)).toBe(TODAY_START + 10);
    expect(activity.see('b', TODAY_START + 20)).toBe(-1);
    activity.advanceTo(TODAY_START + 20);
    expect(activity.activeInLastMinutes(1)).toBe(2);
    expect(activity.activeInLastMinutes(30)).toBe(2);
    expect(activity.activeInLastDays(1)).toBe(2);
  });

  it('ignores an older sighting', () => {
    const activity = new UserActivity();
    activity.see('a', TODAY_START + 20);
    expect(activity.see('a', TODAY_START + 5)).toBe(TODAY_START + 20);
    activity.advanceTo(TODAY_START + 20);
    expect(activity.activeInLastMinutes(1)).toBe(1);
    expect(activity.activeInLastMinutes(64)).toBe(1);
  });

  it('moves a user between day bins and keeps the week distinct', () => {
    const activity = new UserActivity();
    activity.see('a', TODAY_START - 5 * DAY);
    activity.see('b', TODAY_START - 5 * DAY);
    activity.see('a', TODAY_START + 1);
    activity.advanceTo(TODAY_START + 1);
    expect(activity.lastSeenOnDay(20_000 - 5)).toBe(1);
    expect(activity.lastSeenOnDay(20_000)).toBe(1);
    expect(activity.activeInLastDays(7)).toBe(2);
    expect(activity.activeInLastDays(5)).toBe(1);
  });

  it('returns to zero after a long idle gap and after eviction', () => {
    const activity = new UserActivity();
    activity.see('a', TODAY_START);
    activity.advanceTo(TODAY_START + 9 * DAY);
    expect(activity.activeInLastDays(8)).toBe(0);
    expect(activity.activeInLastMinutes(64)).toBe(0);
    expect(activity.evictOlderThan(TODAY_START + DAY)).toBe(1);
    expect(activity.size).toBe(0);
    expect(activity.see('a', TODAY_START + 9 * DAY)).toBe(-1);
    expect(activity.activeInLastMinutes(1)).toBe(1);
  });
});
