import { describe, expect, it } from 'vitest';
import { DEMO_PAGE } from '../messenger/ids';
import { type EventKind, eventKind, type MessagingEvent, USER_MESSAGE_KINDS } from '../messenger/types';
import { createPopulation } from './population';
import { createRng } from './random';
import { type PlannedPost, TrafficModel } from './traffic';

function drive(arrivals: number, users = 200, gapMs = 1_000) {
  const model = new TrafficModel({
    users: createPopulation(users, 'test'),
    rng: createRng('traffic-test'),
    pageId: DEMO_PAGE.id,
  });
  const posts: PlannedPost[] = [];
  let userMessages = 0;
  for (let i = 0, at = 1_764_000_000_000; i < arrivals; i++, at += gapMs) {
    const result = model.arrive(at);
    userMessages += result.userMessages;
    posts.push(...result.posts);
  }
  const events: MessagingEvent[] = posts.flatMap((p) => p.entries.flat());
  const kinds: Record<string, number> = {};
  for (const e of events) kinds[eventKind(e)] = (kinds[eventKind(e)] ?? 0) + 1;
  return { posts, events, kinds: kinds as Record<EventKind, number>, userMessages };
}

describe('TrafficModel', () => {
  const { posts, events, kinds, userMessages } = drive(20_000);

  it('produces every kind of event in a realistic mix', () => {
    const share = (k: EventKind) => (kinds[k] ?? 0) / userMessages;
    expect(share('text')).toBeGreaterThan(0.7);
    expect(share('quick_reply')).toBeGreaterThan(0.03);
    expect(share('attachment')).toBeGreaterThan(0.04);
    expect(share('postback')).toBeGreaterThan(0.01);
    expect(share('echo')).toBeCloseTo(0.6, 1);
    expect(kinds.delivery).toBeGreaterThan(0);
    expect(kinds.read).toBeGreaterThan(0);
    const userEvents = events.filter((e) => USER_MESSAGE_KINDS.has(eventKind(e))).length;
    expect(userEvents).toBe(userMessages);
  });

  it('plans about 1% duplicate deliveries', () => {
    const duplicated = posts.filter((p) => p.resendAfterMs !== undefined).length;
    const userPosts = posts.filter((p) => p.userMessages > 0).length;
    expect(duplicated / userPosts).toBeGreaterThan(0.006);
    expect(duplicated / userPosts).toBeLessThan(0.014);
  });

  it('puts several events in one POST sometimes (bursts, delivery + read)', () => {
    const multiEvent = posts.filter((p) => p.entries.flat().length > 1).length;
    const multiEntry = posts.filter((p) => p.entries.length > 1).length;
    expect(multiEvent / posts.length).toBeGreaterThan(0.02);
    expect(multiEntry).toBeGreaterThan(0);
  });

  it('starts new people with Get Started, sometimes without a postback mid', () => {
    const getStarted = events.filter((e) => 'postback' in e && e.postback.payload === 'GET_STARTED');
    expect(getStarted.length).toBeGreaterThan(50);
    expect(getStarted.some((e) => 'postback' in e && e.postback.mid === undefined)).toBe(true);
  });

  it('writes in conversations: the same person several times, with think-time between', () => {
    const byUser = new Map<string, number[]>();
    for (const e of events) {
      if (!USER_MESSAGE_KINDS.has(eventKind(e)) || !('timestamp' in e)) continue;
      const list = byUser.get(e.sender.id) ?? [];
      list.push(e.timestamp);
      byUser.set(e.sender.id, list);
    }
    const counts = [...byUser.values()].map((l) => l.length);
    expect(Math.max(...counts)).toBeGreaterThan(3 * (userMessages / byUser.size));
    expect(byUser.size).toBeGreaterThan(150);
  });

  it("keeps ids and times in Meta's format, each mid unique", () => {
    const mids = new Set<string>();
    for (const e of events) {
      expect(e.recipient.id).toMatch(/^\d+$/);
      expect(e.sender.id).toMatch(/^\d+$/);
      const mid = 'message' in e ? e.message.mid : 'postback' in e ? e.postback.mid : undefined;
      if (mid !== undefined) {
        expect(mids.has(mid)).toBe(false);
        mids.add(mid);
      }
    }
  });

  it('is deterministic for a seed apart from the mids', () => {
    const strip = (e: MessagingEvent) =>
      JSON.stringify(e)
        .replace(/"m_[^"]+"/g, '"m"')
        .replace(/\/v\/t1\.15752-9\/[^"]+/g, '');
    const a = drive(300).events.map(strip);
    const b = drive(300).events.map(strip);
    expect(a).toEqual(b);
  });

  it('keeps sending when everyone is already mid-conversation (load far above the population)', () => {
    const result = drive(2_000, 3, 1);
    expect(result.userMessages).toBeGreaterThanOrEqual(2_000);
  });
});

describe('createPopulation', () => {
  it('makes unique 16-digit PSIDs deterministically from the seed', () => {
    const a = createPopulation(1_000, 'seed-a');
    expect(new Set(a.map((u) => u.psid)).size).toBe(1_000);
    for (const u of a) expect(u.psid).toMatch(/^[1-9]\d{15}$/);
    expect(createPopulation(1_000, 'seed-a')).toEqual(a);
    expect(createPopulation(10, 'seed-b')[0]!.psid).not.toBe(a[0]!.psid);
  });
});
