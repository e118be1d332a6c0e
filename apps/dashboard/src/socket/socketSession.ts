import { DASHBOARD_CHANNELS, type SubscribeAck } from '@botpulse/protocol';
import type { ConnectionEvent } from './connectionState';
import type { DashboardSocket, DashboardSocketEvents, ServerEventName } from './types';

export interface SocketSessionHooks {
  dispatch(event: ConnectionEvent): void;
  /** the subscribe was acknowledged: events flow (again) */
  onSubscribed(): void;
  /** why the last attempt failed, or null once it works */
  onProblem(message: string | null): void;
  /** the server refused the session ("unauthorized") */
  onUnauthorized(): void;
  /** deliver an admin event to whoever listens */
  deliver<E extends ServerEventName>(event: E, payload: Parameters<DashboardSocketEvents[E]>[0]): void;
  /** false until the feed's snapshot says where to resume from */
  maySubscribe(): boolean;
  getLastSeen(): number | null;
  setLastSeen(id: number): void;
  resubscribeDelayMs: number;
}

export interface SocketSession {
  /** subscribe now if connected and allowed (called again when the resume point becomes known) */
  subscribe(): void;
  dispose(): void;
}

/**
 * The connection's lifecycle without React: subscribe on every connect with the last id seen,
 * retry what socket.io will not retry by itself, and never let a stale ack count.
 */
export function startSocketSession(socket: DashboardSocket, hooks: SocketSessionHooks): SocketSession {
  let disposed = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const later = (fn: () => void, ms: number) => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => !disposed && fn(), ms);
  };

  const subscribe = () => {
    if (disposed || !socket.connected || !hooks.maySubscribe()) return;
    const thisAttempt = ++attempt;
    const since = hooks.getLastSeen();
    // No answer at all (an old server, a lost packet) must not leave us stuck short of live.
    later(subscribe, Math.max(hooks.resubscribeDelayMs, 10_000));
    const onAck = (ack: SubscribeAck) => {
      if (disposed || thisAttempt !== attempt || !socket.connected) return;
      clearTimeout(retryTimer);
      if (ack.ok) {
        hooks.onProblem(null);
        hooks.dispatch({ type: 'subscribed' });
        hooks.onSubscribed();
      } else {
        hooks.onProblem(ack.error);
        hooks.dispatch({ type: 'subscribeFailed' });
        later(subscribe, hooks.resubscribeDelayMs);
      }
    };
    socket.emit(
      'subscribe',
      { type: 'subscribe', channels: [...DASHBOARD_CHANNELS], ...(since === null ? {} : { since }) },
      onAck,
    );
  };

  const onConnect = () => {
    hooks.dispatch({ type: 'connected' });
    subscribe();
  };
  const onDisconnect = (reason: string) => {
    attempt++; // acks of the old connection are void
    hooks.dispatch({ type: 'disconnected' });
    // socket.io only retries by itself when the transport dropped, not when the server kicked us.
    if (reason === 'io server disconnect') later(() => socket.connect(), 1_000);
  };
  const onConnectError = (err: Error) => {
    if (err.message === 'unauthorized') {
      socket.disconnect();
      hooks.onUnauthorized();
      return;
    }
    hooks.onProblem(err.message);
    hooks.dispatch({ type: 'connectFailed' });
    if (socket.active === false) later(() => socket.connect(), 2_000);
  };
  const onMetrics: DashboardSocketEvents['metrics:update'] = (e) => hooks.deliver('metrics:update', e);
  const onMessage: DashboardSocketEvents['message:new'] = (e) => {
    // The resume point moves before any listener runs, so a reconnect never asks for less.
    const seen = hooks.getLastSeen();
    if (seen === null || e.data.id > seen) hooks.setLastSeen(e.data.id);
    hooks.deliver('message:new', e);
  };
  const onHealth: DashboardSocketEvents['health:changed'] = (e) => hooks.deliver('health:changed', e);
  const onError: DashboardSocketEvents['error:occurred'] = (e) => hooks.deliver('error:occurred', e);

  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  socket.on('metrics:update', onMetrics);
  socket.on('message:new', onMessage);
  socket.on('health:changed', onHealth);
  socket.on('error:occurred', onError);
  socket.connect();

  return {
    subscribe,
    dispose() {
      disposed = true;
      clearTimeout(retryTimer);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      socket.off('metrics:update', onMetrics);
      socket.off('message:new', onMessage);
      socket.off('health:changed', onHealth);
      socket.off('error:occurred', onError);
      socket.disconnect();
    },
  };
}
