import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';
import {
  envelope,
  makeDashboard,
  makeGenAiToday,
  makeHealth,
  makeInstance,
  makeMessage,
  makeService,
  makeTotals,
} from '../test/fixtures';
import { mockApi } from '../test/mockApi';
import { renderApp } from '../test/renderApp';
import { signedInRoutes } from '../test/routes';

const text = (testId: string) => screen.getByTestId(testId).textContent;
const feedIds = () =>
  [...screen.getByTestId('message-feed').querySelectorAll('[data-message-id]')].map((el) =>
    Number(el.getAttribute('data-message-id')),
  );

async function openMonitoring(dashboard = makeDashboard()) {
  const calls = mockApi(signedInRoutes(dashboard));
  const socket = new FakeSocket();
  renderApp(socket, '/');
  await screen.findByTestId('total-messages');
  await waitFor(() => expect(text('total-messages')).not.toBe('—'));
  return { socket, calls };
}

describe('Monitoring page', () => {
  it('shows the snapshot: big numbers, health, feed newest first with full text', async () => {
    await openMonitoring();
    expect(text('total-messages')).toBe('1,234');
    expect(text('active-users-today')).toBe('56');
    expect(text('avg-response-time')).toBe('1.4 s');
    expect(screen.getByTestId('health-bot').getAttribute('data-status')).toBe('ok');
    expect(screen.getByTestId('health-facebook').getAttribute('data-status')).toBe('not_configured');
    expect(screen.getByTestId('volume-24h')).toBeTruthy();
    expect(feedIds()).toEqual([3, 2, 1]);
    const feed = within(screen.getByTestId('message-feed'));
    expect(feed.getByText('Message number 3')).toBeTruthy();
    expect(feed.getByText('Reply to 3')).toBeTruthy();
    expect(feed.getAllByText('User 3')).toHaveLength(1);
    expect(feed.getByText('user-3')).toBeTruthy();
  });

  it('subscribes after the snapshot, resuming from its newest message, and goes live', async () => {
    const { socket } = await openMonitoring();
    act(() => socket.serverConnect());
    await waitFor(() =>
      expect(screen.getByTestId('connection-state').getAttribute('data-state')).toBe('live'),
    );
    expect(socket.subscribes).toHaveLength(1);
    expect(socket.lastSubscribe?.request).toEqual({
      type: 'subscribe',
      channels: ['metrics', 'messages', 'health', 'errors'],
      since: 3,
    });
  });

  it('updates totals, health and the feed live, deduplicated and newest first', async () => {
    const { socket } = await openMonitoring();
    act(() => socket.serverConnect());
    act(() => {
      socket.send(
        'metrics:update',
        envelope('metrics:update', {
          totals: makeTotals({ total: 5678, activeToday: 60 }),
          instances: [],
          admin: makeDashboard().admin,
          gen_ai: makeGenAiToday(),
        }),
      );
      socket.send(
        'message:new',
        envelope('message:new', makeMessage(5, { message_text: 'Hello there, full text' })),
      );
      socket.send('message:new', envelope('message:new', makeMessage(4)));
      socket.send(
        'message:new',
        envelope('message:new', makeMessage(5, { message_text: 'Hello there, full text' })),
      );
      socket.send(
        'health:changed',
        envelope(
          'health:changed',
          makeHealth({ database: makeService({ status: 'down', error: 'ECONNREFUSED' }) }),
        ),
      );
    });
    expect(text('total-messages')).toBe('5,678');
    expect(text('active-users-today')).toBe('60');
    expect(feedIds()).toEqual([5, 4, 3, 2, 1]);
    expect(screen.getByText('Hello there, full text')).toBeTruthy();
    expect(screen.getByTestId('health-database').getAttribute('data-status')).toBe('down');
  });

  it('after a drop, shows reconnecting and resumes from the last message seen', async () => {
    const { socket, calls } = await openMonitoring();
    act(() => socket.serverConnect());
    act(() => socket.send('message:new', envelope('message:new', makeMessage(7))));
    act(() => socket.serverDrop());
    expect(screen.getByTestId('connection-state').getAttribute('data-state')).toBe('reconnecting');
    const snapshotsBefore = calls.filter((c) => c.url.pathname === '/api/monitoring/dashboard').length;
    act(() => socket.serverConnect());
    expect(socket.lastSubscribe?.request.since).toBe(7);
    await waitFor(() =>
      expect(screen.getByTestId('connection-state').getAttribute('data-state')).toBe('live'),
    );
    // Health and totals are not replayed, so the snapshot is fetched again after a reconnect.
    await waitFor(() =>
      expect(calls.filter((c) => c.url.pathname === '/api/monitoring/dashboard').length).toBe(
        snapshotsBefore + 1,
      ),
    );
    // The refetched snapshot does not have message 7 yet; it must stay in the feed.
    await waitFor(() => expect(feedIds()[0]).toBe(7));
  });

  it('explains how to get data when there are no messages yet', async () => {
    await openMonitoring(makeDashboard({ recent_messages: [], totals: makeTotals({ total: 0 }) }));
    expect(text('total-messages')).toBe('0');
    expect(screen.getByText('No messages yet')).toBeTruthy();
    expect(screen.getByText('DEMO=1 npm start')).toBeTruthy();
  });

  it('shows a loud banner in demo mode', async () => {
    await openMonitoring(makeDashboard({ demo: true }));
    expect(screen.getByTestId('demo-banner').textContent).toContain('Demo mode');
  });

  it('shows the error in words with a retry that works', async () => {
    let fail = true;
    mockApi(
      signedInRoutes(undefined, {
        'GET /api/monitoring/dashboard': () =>
          fail
            ? { status: 503, body: { error: 'unavailable', message: 'Database is starting' } }
            : { body: makeDashboard() },
      }),
    );
    renderApp(new FakeSocket(), '/');
    const alerts = await screen.findAllByRole('alert', {}, { timeout: 3000 });
    expect(alerts.some((a) => a.textContent?.includes('Database is starting'))).toBe(true);
    fail = false;
    fireEvent.click(screen.getAllByRole('button', { name: 'Retry' })[0]!);
    await waitFor(() => expect(text('total-messages')).toBe('1,234'));
  });

  it('opens diagnostics for a service with reasons, instances and meta-metrics', async () => {
    const dashboard = makeDashboard({
      health: makeHealth({
        bot: makeService({ status: 'degraded', reasons: ['inbox has events older than 30 s'] }),
      }),
      instances: [makeInstance(), makeInstance({ instance_id: 'bot-2', status: 'gone', connected: false })],
    });
    await openMonitoring(dashboard);
    const bot = screen.getByTestId('health-bot');
    expect(bot.getAttribute('data-status')).toBe('degraded');
    expect(within(bot).getByRole('tooltip').textContent).toContain('Last checked');
    fireEvent.click(bot);
    const panel = screen.getByRole('region', { name: 'Bot diagnostics' });
    expect(within(panel).getByText('inbox has events older than 30 s')).toBeTruthy();
    expect(within(panel).getByText('bot-2')).toBeTruthy();
    expect(within(panel).getByText('Gone (no word from it)')).toBeTruthy();
    expect(within(panel).getByText('Rollup lag')).toBeTruthy();
  });

  it("lists today's users with names and ids", async () => {
    await openMonitoring();
    fireEvent.click(screen.getByRole('button', { name: "Today's users" }));
    const dialog = await screen.findByRole('dialog', { name: "Today's active users" });
    expect(await within(dialog).findByText('Ada Lovelace')).toBeTruthy();
    expect(within(dialog).getByText('1000001')).toBeTruthy();
  });
});
