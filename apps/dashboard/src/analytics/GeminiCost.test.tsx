import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';
import { makeOverview, makeTimeline, makeUsers } from '../test/fixtures';
import { mockApi } from '../test/mockApi';
import { renderApp } from '../test/renderApp';
import { signedInRoutes } from '../test/routes';

const text = (testId: string) => screen.getByTestId(testId).textContent;

async function openAnalytics(overrides = {}) {
  const calls = mockApi(signedInRoutes(undefined, overrides));
  renderApp(new FakeSocket(), '/analytics');
  await screen.findByTestId('kpi-gemini-cost', {}, { timeout: 10_000 });
  return calls;
}

const noGemini = { input_tokens: 0, output_tokens: 0, cost_usd: 0 };

// Rendering the whole page with its lazy charts is slow on a loaded machine: generous waits.
describe('Gemini cost on Analytics', { timeout: 30_000 }, () => {
  it('shows the cost KPI with the previous period and the change (more cost is bad)', async () => {
    await openAnalytics();
    expect(text('kpi-gemini-cost')).toBe('$4.32');
    const kpi = screen.getByTestId('kpi-gemini-cost').closest('.kpi') as HTMLElement;
    expect(within(kpi).getByText('+23.4% vs previous period').closest('.trend')?.className).toContain(
      'trend-bad',
    );
    expect(kpi.textContent).toContain('3.4M tokens · $3.50 in the previous period');
  });

  it('stacks the cost per day by model from the timeline, with a legend and total', async () => {
    await openAnalytics();
    const card = await screen.findByTestId('cost-by-model');
    await within(card).findByTestId('cost-by-model-total', {}, { timeout: 10_000 });
    const legend = within(card)
      .getAllByRole('listitem')
      .map((li) => li.textContent?.trim());
    expect(legend).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro', 'Still running (so far)']);
    // 0.60…0.66 for flash over 7 days plus 6 × 0.05 for pro
    expect(text('cost-by-model-total')).toBe('$4.71 in total · 193.2K tokens');
  });

  it('asks for the costliest users with sort=cost and lists them by cost', async () => {
    const calls = await openAnalytics({
      'GET /api/analytics/users': (url: URL) => ({
        body:
          url.searchParams.get('sort') === 'cost'
            ? makeUsers({
                sort: 'cost',
                top: [
                  {
                    user_id: '42',
                    name: 'Grace Hopper',
                    messages: 12,
                    cost_usd: 1.25,
                    last_seen: '2026-03-08T10:00:00Z',
                  },
                  {
                    user_id: '43',
                    name: null,
                    messages: 400,
                    cost_usd: 0.004,
                    last_seen: '2026-03-08T10:00:00Z',
                  },
                  {
                    user_id: '44',
                    name: 'Rules Only',
                    messages: 9,
                    cost_usd: 0,
                    last_seen: '2026-03-08T10:00:00Z',
                  },
                ],
              })
            : makeUsers(),
      }),
    });
    const card = await screen.findByTestId('top-users-cost');
    await within(card).findByText('Grace Hopper', {}, { timeout: 10_000 });
    expect(
      within(card)
        .getAllByTestId('user-cost')
        .map((c) => c.textContent),
    ).toEqual(['$1.25', '$0.0040']);
    // A user without Gemini cost is not a "costliest user".
    expect(within(card).queryByText('Rules Only')).toBeNull();
    const costCall = calls.find(
      (c) => c.url.pathname === '/api/analytics/users' && c.url.searchParams.get('sort'),
    );
    expect(costCall?.url.searchParams.get('sort')).toBe('cost');
    // The ordinary top users table still asks without a sort (the API default, messages).
    expect(
      calls.some((c) => c.url.pathname === '/api/analytics/users' && !c.url.searchParams.has('sort')),
    ).toBe(true);
  });

  it('warns about models without a price', async () => {
    await openAnalytics({
      'GET /api/analytics/overview': { body: makeOverview({ unpriced_models: ['gemini-9-experimental'] }) },
    });
    expect(screen.getByTestId('gemini-unpriced').textContent).toContain('"gemini-9-experimental"');
  });

  it('says the rule responder answered when the range has no Gemini replies, instead of $0.00', async () => {
    const timeline = makeTimeline();
    timeline.buckets = timeline.buckets.map(({ start, messages, users }) => ({ start, messages, users }));
    const base = makeOverview();
    await openAnalytics({
      'GET /api/analytics/overview': {
        body: makeOverview({
          current: { ...base.current, ...noGemini },
          previous: { ...base.previous, ...noGemini },
          change_pct: { ...base.change_pct, input_tokens: null, output_tokens: null, cost_usd: null },
        }),
      },
      'GET /api/analytics/timeline': { body: timeline },
      'GET /api/analytics/users': {
        body: makeUsers({ top: makeUsers().top.map((u) => ({ ...u, cost_usd: 0 })) }),
      },
    });
    expect(text('kpi-gemini-cost')).toBe('—');
    expect(screen.getByText(/No Gemini replies in this range: the rule responder answered/)).toBeTruthy();
    const chart = await screen.findByTestId('cost-by-model');
    expect(await within(chart).findByText('No Gemini replies in this range')).toBeTruthy();
    expect(
      await within(screen.getByTestId('top-users-cost')).findByText('No Gemini cost in this range'),
    ).toBeTruthy();
  });

  it('shows an error with retry in the cost cards when the API fails', async () => {
    await openAnalytics({
      'GET /api/analytics/timeline': { status: 500, body: { error: 'internal', message: 'boom' } },
      'GET /api/analytics/users': { status: 500, body: { error: 'internal', message: 'boom' } },
    });
    const chart = await screen.findByTestId('cost-by-model');
    expect((await within(chart).findByRole('alert', {}, { timeout: 10_000 })).textContent).toContain(
      'Cannot load the Gemini cost',
    );
    const users = screen.getByTestId('top-users-cost');
    expect((await within(users).findByRole('alert', {}, { timeout: 10_000 })).textContent).toContain(
      'Cannot load the costliest users',
    );
  });
});
