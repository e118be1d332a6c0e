import { describe, expect, it } from 'vitest';
import {
  type ConnectionEvent,
  connectionReducer,
  connectionState,
  initialConnection,
} from './connectionState';

function run(...events: ConnectionEvent['type'][]) {
  return events.reduce(
    (model, type) => connectionReducer(model, { type } as ConnectionEvent),
    initialConnection(),
  );
}

describe('connection state', () => {
  it('starts as reconnecting ("connecting") and is live only once subscribed', () => {
    expect(connectionState(run())).toBe('reconnecting');
    expect(connectionState(run('connected'))).toBe('reconnecting');
    expect(connectionState(run('connected', 'subscribed'))).toBe('live');
    expect(run('connected', 'subscribed').everLive).toBe(true);
  });
  it('goes reconnecting on a drop, offline when the grace period passes, and live again by itself', () => {
    const dropped = run('connected', 'subscribed', 'disconnected');
    expect(connectionState(dropped)).toBe('reconnecting');
    const offline = connectionReducer(dropped, { type: 'retryWindowElapsed' });
    expect(connectionState(offline)).toBe('offline');
    expect(connectionState(connectionReducer(offline, { type: 'connectFailed' }))).toBe('offline');
    const back = connectionReducer(connectionReducer(offline, { type: 'connected' }), { type: 'subscribed' });
    expect(connectionState(back)).toBe('live');
  });
  it('ignores a late grace timer once live', () => {
    const live = run('connected', 'subscribed');
    expect(connectionReducer(live, { type: 'retryWindowElapsed' })).toBe(live);
  });
  it('is offline while the browser is offline, then gets a fresh grace period', () => {
    const offline = run('connected', 'subscribed', 'browserOffline');
    expect(connectionState(offline)).toBe('offline');
    const online = connectionReducer(connectionReducer(offline, { type: 'disconnected' }), {
      type: 'browserOnline',
    });
    expect(connectionState(online)).toBe('reconnecting');
  });
  it('drops back from live when a subscribe is refused', () => {
    expect(connectionState(run('connected', 'subscribed', 'subscribeFailed'))).toBe('reconnecting');
  });
});
