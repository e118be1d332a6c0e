import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';
import { envelope, makeDashboard, makeGenAiToday, makeTotals } from '../test/fixtures';
import { mockApi } from '../test/mockApi';
import { renderApp } from '../test/renderApp';
import { signedInRoutes } from '../test/routes';

const text = (testId: string) => screen.getByTestId(testId).textContent;

async function openMonitoring(dashboard = makeDashboard()) {
  mockApi(signedInRoutes(dashboard));
  const socket = new FakeSocket();
  renderApp(socket, '/');
  await screen.findByTestId('gemini-card', {}, { timeout: 10_000 });
  await waitFor(() => expect(text('total-messages')).not.toBe('—'), { timeout: 10_000 });
  return socket;
}

// The whole app renders per test: generous limits for a loaded machine (not speed targets).
describe('Gemini card on Monitoring', { timeout: 30_000 }, () => {
  it("shows today's cost, cost per reply, tokens, blocked and truncated shares and model latency", async () => {
    await openMonitoring();
    const card = within(screen.getByTestId('gemini-card'));
    expect(card.getByRole('heading', { name: 'Gemini' })).toBeTruthy();
    expect(text('gemini-cost-today')).toBe('$0.16');
    // $0.1649 over 412 replies: $0.0004 a reply, not "$0.00"
    expect(text('gemini-cost-per-message')).toBe('$0.00040');
    // 61.8K in + 20.6K out + 38.2K thinking: thinking tokens are part of the total
    expect(text('gemini-tokens-today')).toBe('120.6K');
    expect(text('gemini-blocked-share')).toBe('0.7% (3)');
    expect(text('gemini-truncated-share')).toBe('2.2% (9)');
    expect(text('gemini-latency')).toBe('842 ms avg · 2.3 s p95');
    expect(card.getByText('24,300', { exact: false })).toBeTruthy();
    expect(screen.queryByTestId('gemini-unpriced')).toBeNull();
  });

  it('names the models without a price', async () => {
    await openMonitoring(
      makeDashboard({ gen_ai: makeGenAiToday({ unpriced_models: ['gemini-3-ultra-preview'] }) }),
    );
    const warning = screen.getByTestId('gemini-unpriced');
    expect(warning.getAttribute('role')).toBe('note');
    expect(warning.textContent).toContain('"gemini-3-ultra-preview"');
    expect(warning.textContent).toContain('not in the cost');
  });

  it('says the rule responder answered instead of pretending Gemini cost $0.00', async () => {
    await openMonitoring(
      makeDashboard({
        gen_ai: makeGenAiToday({
          requests: 0,
          input_tokens: 0,
          cached_tokens: 0,
          output_tokens: 0,
          reasoning_tokens: 0,
          cost_usd: 0,
          cost_per_message: null,
          blocked: 0,
          truncated: 0,
          blocked_share: null,
          truncated_share: null,
          latency_avg_ms: null,
          latency_p95_ms: null,
        }),
      }),
    );
    expect(screen.getByText('No Gemini replies today')).toBeTruthy();
    expect(screen.queryByTestId('gemini-cost-today')).toBeNull();
    expect(screen.getByTestId('gemini-card').textContent).not.toContain('$0.00');
  });

  it('follows metrics:update live, and an older update does not roll the cost back', async () => {
    const socket = await openMonitoring();
    act(() => socket.serverConnect());
    const update = (cost: number, timestamp: string) =>
      socket.send(
        'metrics:update',
        envelope(
          'metrics:update',
          {
            totals: makeTotals(),
            instances: [],
            admin: makeDashboard().admin,
            gen_ai: makeGenAiToday({ cost_usd: cost, requests: 500, unpriced_models: ['gemini-x'] }),
          },
          timestamp,
        ),
      );
    act(() => update(12.3456, '2026-03-08T12:00:10.000Z'));
    expect(text('gemini-cost-today')).toBe('$12.35');
    expect(screen.getByTestId('gemini-unpriced').textContent).toContain('"gemini-x"');
    act(() => update(1, '2026-03-08T12:00:05.000Z'));
    expect(text('gemini-cost-today')).toBe('$12.35');
  });

  it('shows the snapshot error in the card when the dashboard cannot load', async () => {
    mockApi(
      signedInRoutes(undefined, {
        'GET /api/monitoring/dashboard': {
          status: 503,
          body: { error: 'unavailable', message: 'Database is starting' },
        },
      }),
    );
    renderApp(new FakeSocket(), '/');
    const card = await screen.findByTestId('gemini-card');
    await waitFor(
      () => expect(within(card).getByRole('alert').textContent).toContain('Database is starting'),
      {
        timeout: 3000,
      },
    );
  });
});
