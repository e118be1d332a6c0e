import { randomBytes } from 'node:crypto';
import { setAdminPassword } from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../apps/admin/src/auth/passwords';
import type { AdminService } from '../../apps/admin/src/server';
import { type InProcess, inProcessAdmin, type RawResponse, rawRequest } from './helpers/in-process';

// The login limits (5 attempts per username in 5 minutes, 20 per address in a minute) under
// concurrency: an attempt is counted before its password is verified, so a burst of parallel
// requests cannot all be verified before the first failure is recorded — in one admin, and
// across several admins sharing Redis.

const BURST = 100;
const redisUrl = process.env.TEST_REDIS_URL;

const body = (username: string, password: string) => JSON.stringify({ username, password });

/**
 * 100 wrong passwords at once, then — as soon as the first refusal shows the limit is reached,
 * while the burst is still in flight — the right password. Returns every answer.
 */
async function burst(
  urls: string[],
  path: string,
  wrong: (i: number) => string,
  right: string,
  headers: Record<string, string> = {},
  localAddress?: string,
) {
  let firstRefusal!: () => void;
  const refused = new Promise<void>((resolve) => {
    firstRefusal = resolve;
  });
  const wrongOnes = Array.from({ length: BURST }, (_, i) =>
    rawRequest(urls[i % urls.length]!, 'POST', path, headers, wrong(i), localAddress).then((r) => {
      if (r.status === 429) firstRefusal();
      return r;
    }),
  );
  await refused;
  const rightOne = rawRequest(urls[0]!, 'POST', path, headers, right, localAddress);
  return { wrong: await Promise.all(wrongOnes), right: await rightOne };
}

function tally(responses: RawResponse[]) {
  const by = new Map<number, number>();
  for (const r of responses) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  return Object.fromEntries(by);
}

function expectThrottled(r: RawResponse, label: string) {
  expect(r.status, label).toBe(429);
  const retryAfter = Number(r.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter > 0, `${label}: Retry-After ${retryAfter}`).toBe(true);
  expect(r.headers['set-cookie'], label).toBeUndefined();
}

describe('one admin: parallel bursts', () => {
  let database: TestDatabase;
  let admin: InProcess<AdminService>;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await inProcessAdmin(database.url);
  });
  afterAll(async () => {
    await admin?.stop();
    await database?.drop();
  });

  it(`${BURST} parallel wrong passwords for one username: at most 5 verified, the rest and the right one 429`, async () => {
    const { wrong, right } = await burst(
      [admin.url],
      '/api/auth/login',
      (i) => body('admin', `wrong-${i}`),
      body('admin', admin.secrets.ADMIN_PASSWORD),
    );
    const counts = tally(wrong);
    console.log(
      `[throttle] one admin, login burst: ${JSON.stringify(counts)}; right password → ${right.status}`,
    );
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    expect(counts[401]).toBeLessThanOrEqual(5);
    expect(counts[401]).toBeGreaterThan(0);
    for (const r of wrong.filter((r) => r.status === 429))
      expectThrottled(r, 'a wrong password in the burst');
    expectThrottled(right, 'the right password in the same burst');
  });

  it(`${BURST} parallel password changes with a wrong current password: at most 5 verified`, async () => {
    // Another admin account and another client address, so the lockouts above do not decide this.
    const from = '127.0.0.2';
    const password = `pw-${randomBytes(12).toString('hex')}`;
    await setAdminPassword(admin.service.db, 'ops', await hashPassword(password), { createIfMissing: true });
    const login = await rawRequest(admin.url, 'POST', '/api/auth/login', {}, body('ops', password), from);
    expect(login.status).toBe(200);
    const cookie = [login.headers['set-cookie']].flat()[0]!.split(';')[0]!;
    const change = (current: string) =>
      JSON.stringify({ current_password: current, new_password: `new-${randomBytes(8).toString('hex')}` });
    const { wrong, right } = await burst(
      [admin.url],
      '/api/auth/password',
      (i) => change(`wrong-${i}`),
      change(password),
      { cookie },
      from,
    );
    const counts = tally(wrong);
    console.log(
      `[throttle] password change burst: ${JSON.stringify(counts)}; right password → ${right.status}`,
    );
    expect(Object.keys(counts).sort()).toEqual(['403', '429']);
    expect(counts[403]).toBeLessThanOrEqual(5);
    for (const r of wrong.filter((r) => r.status === 429)) expectThrottled(r, 'a wrong current password');
    expectThrottled(right, 'the right current password in the same burst');
  });
});

// Several admins share the limits through Redis (CI sets TEST_REDIS_URL; a local run without
// Redis skips this block, as the multi-instance suite does).
describe.skipIf(!redisUrl && !process.env.CI)('two admins sharing Redis: parallel bursts', () => {
  let database: TestDatabase;
  const admins: Array<InProcess<AdminService>> = [];

  beforeAll(async () => {
    if (!redisUrl) throw new Error('CI must set TEST_REDIS_URL: the shared login limits are untested');
    database = await createTestDatabase();
    const env = { REDIS_URL: redisUrl, REDIS_PREFIX: `botpulse-test-${randomBytes(4).toString('hex')}` };
    admins.push(await inProcessAdmin(database.url, env));
    admins.push(await inProcessAdmin(database.url, env));
  });
  afterAll(async () => {
    for (const a of admins) await a.stop();
    await database?.drop();
  });

  it(`${BURST} parallel wrong passwords split over two admins: at most 5 verified in all`, async () => {
    const { wrong, right } = await burst(
      admins.map((a) => a.url),
      '/api/auth/login',
      (i) => body('admin', `wrong-${i}`),
      body('admin', admins[0]!.secrets.ADMIN_PASSWORD),
    );
    const counts = tally(wrong);
    console.log(
      `[throttle] two admins + Redis, login burst: ${JSON.stringify(counts)}; right → ${right.status}`,
    );
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    expect(counts[401]).toBeLessThanOrEqual(5);
    expectThrottled(right, 'the right password in the same burst');
  });
});
