import { describe, expect, it } from 'vitest';
import { mockApi, SESSION } from '../test/mockApi';
import { dashboardQuery } from './dashboard';
import { sessionQuery } from './me';
import { prefetchFirstScreen } from './prefetch';
import { createQueryClient } from './queryClient';

describe('prefetchFirstScreen', () => {
  it('on / asks for the session and the snapshot at once, before either answers', async () => {
    let answer!: () => void;
    const held = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const after = (body: unknown) => async () => {
      await held;
      return { body };
    };
    const calls = mockApi({
      'GET /api/auth/me': after(SESSION),
      'GET /api/monitoring/dashboard': after({ totals: 1 }),
    });
    const client = createQueryClient();
    prefetchFirstScreen(client, '/');
    await Promise.resolve();
    expect(calls.map((c) => c.url.pathname).sort()).toEqual(['/api/auth/me', '/api/monitoring/dashboard']);
    answer();
    // the components' queries then find the answers in the cache
    await expect(client.fetchQuery(sessionQuery)).resolves.toEqual(SESSION);
    await expect(client.fetchQuery(dashboardQuery)).resolves.toEqual({ totals: 1 });
    expect(calls).toHaveLength(2);
  });

  it('elsewhere asks for the session only', async () => {
    const calls = mockApi({ 'GET /api/auth/me': { status: 401, body: { error: 'unauthorized' } } });
    const client = createQueryClient();
    prefetchFirstScreen(client, '/analytics');
    await expect.poll(() => client.getQueryState(sessionQuery.queryKey)?.status).toBe('error');
    expect(calls.map((c) => c.url.pathname)).toEqual(['/api/auth/me']);
  });
});
