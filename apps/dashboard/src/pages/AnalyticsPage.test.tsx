import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';
import { mockApi } from '../test/mockApi';
import { renderApp } from '../test/renderApp';
import { signedInRoutes } from '../test/routes';
import { addDays, localIsoDate } from '../transforms/dateRange';

const text = (testId: string) => screen.getByTestId(testId).textContent;
const location = () => screen.getByTestId('location').textContent ?? '';

async function openAnalytics(path = '/analytics', overrides = {}) {
  const calls = mockApi(signedInRoutes(undefined, overrides));
  renderApp(new FakeSocket(), path);
  await screen.findByTestId('kpi-total-messages', {}, { timeout: 3000 });
  return calls;
}

describe('Analytics page', () => {
  it('opens on the last 7 days including today, in the browser zone', async () => {
    const calls = await openAnalytics();
    const today = localIsoDate(new Date());
    const overview = calls.find((c) => c.url.pathname === '/api/analytics/overview');
    expect(overview?.url.searchParams.get('from')).toBe(addDays(today, -6));
    expect(overview?.url.searchParams.get('to')).toBe(today);
    expect(overview?.url.searchParams.get('tz')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(screen.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('shows KPIs as big numbers with their change', async () => {
    await openAnalytics();
    expect(text('kpi-total-messages')).toBe('12,345');
    expect(text('kpi-unique-users')).toBe('678');
    expect(text('kpi-avg-response-time')).toBe('1.3 s');
    expect(screen.getByText('+23.5% vs previous period').closest('.trend')?.className).toContain(
      'trend-good',
    );
    // Slower replies: up is bad.
    expect(screen.getByText('+25% vs previous period').closest('.trend')?.className).toContain('trend-bad');
  });

  it('explains anomalies and shows the heatmap, top users and export', async () => {
    await openAnalytics();
    const volume = screen.getByTestId('volume-chart');
    expect(await within(volume).findByText(/6 Mar: 500 \(unusually high\)/)).toBeTruthy();
    expect(within(volume).getByRole('button', { name: 'Download PNG' })).toBeTruthy();

    const heatmap = await screen.findByTestId('heatmap');
    expect(await within(heatmap).findByLabelText('Monday 09:00–10:00: 40 messages')).toBeTruthy();

    const top = screen.getByTestId('top-users');
    expect(await within(top).findByText('Ada Lovelace')).toBeTruthy();
    expect(within(top).getByText('1000001')).toBeTruthy();
    expect(within(top).getByText('Unknown user')).toBeTruthy();

    const links = within(screen.getByTestId('export')).getAllByRole('link');
    const csv = new URL(links[0]!.getAttribute('href')!, 'http://x');
    expect(csv.pathname).toBe('/api/monitoring/export');
    expect(csv.searchParams.get('format')).toBe('csv');
    expect(csv.searchParams.get('type')).toBe('messages');
    expect(csv.searchParams.get('from')).toBe(addDays(localIsoDate(new Date()), -6));
    expect(links[1]!.getAttribute('href')).toContain('format=json');
  });

  it('keeps the range in the URL and refetches once it settles', async () => {
    const calls = await openAnalytics();
    fireEvent.click(screen.getByRole('button', { name: 'Last 30 days' }));
    expect(location()).toBe('/analytics?range=30d');
    const from30 = addDays(localIsoDate(new Date()), -29);
    await waitFor(() =>
      expect(
        calls.some(
          (c) => c.url.pathname === '/api/analytics/overview' && c.url.searchParams.get('from') === from30,
        ),
      ).toBe(true),
    );
  });

  it('reads a shared link', async () => {
    const calls = await openAnalytics('/analytics?range=custom&from=2026-01-01&to=2026-01-31&g=week');
    const timeline = calls.find((c) => c.url.pathname === '/api/analytics/timeline');
    expect(timeline?.url.searchParams.get('from')).toBe('2026-01-01');
    expect(timeline?.url.searchParams.get('granularity')).toBe('week');
    expect(screen.getByRole('button', { name: 'Weekly' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('shows a bad-parameter answer in words with a retry', async () => {
    await openAnalytics('/analytics', {
      'GET /api/analytics/heatmap': {
        status: 400,
        body: { error: 'bad_request', message: 'tz must be an IANA time zone', parameter: 'tz' },
      },
    });
    const heatmap = screen.getByTestId('heatmap');
    expect(await within(heatmap).findByText('tz must be an IANA time zone')).toBeTruthy();
    expect(within(heatmap).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('deletes a user after confirmation', async () => {
    const calls = await openAnalytics('/analytics', {
      'DELETE /api/users/1000001': { body: { deleted_messages: 321 } },
    });
    const top = screen.getByTestId('top-users');
    fireEvent.click(await within(top).findByRole('button', { name: 'Delete all data of Ada Lovelace' }));
    const dialog = screen.getByRole('dialog', { name: "Delete this user's data?" });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete permanently' }));
    expect(await screen.findByText(/and 321 stored messages/)).toBeTruthy();
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/users/1000001')).toBe(true);
  });

  it('says so when the range has no messages', async () => {
    const { makeOverview } = await import('../test/fixtures');
    await openAnalytics('/analytics', {
      'GET /api/analytics/overview': {
        body: makeOverview({
          current: {
            messages: 0,
            users: 0,
            avg_response_time_ms: 0,
            input_tokens: 0,
            output_tokens: 0,
            cost_usd: 0,
          },
        }),
      },
    });
    expect(screen.getByText('No messages in this range.')).toBeTruthy();
  });
});
