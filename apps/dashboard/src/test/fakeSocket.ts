import type { AdminToDashboardEvents, SubscribeAck, SubscribeRequest } from '@botpulse/protocol';
import type { DashboardSocket, DashboardSocketEvents } from '../socket/types';

type EventName = keyof DashboardSocketEvents;
type Listener = (...args: never[]) => void;

export interface SubscribeCall {
  request: SubscribeRequest;
  ack: (res: SubscribeAck) => void;
}

/**
 * Stands in for socket.io-client in component tests: the test plays the server, deciding when
 * the socket connects, drops, and what the admin sends.
 */
export class FakeSocket implements DashboardSocket {
  connected = false;
  active = true;
  connectCalls = 0;
  disconnectCalls = 0;
  readonly subscribes: SubscribeCall[] = [];
  /** answer every subscribe at once with ok (as a healthy server would) */
  autoAck = true;
  private readonly listeners = new Map<EventName, Set<Listener>>();

  on: DashboardSocket['on'] = (event: EventName, listener: Listener) => {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  };

  off: DashboardSocket['off'] = (event: EventName, listener: Listener) => {
    this.listeners.get(event)?.delete(listener);
    return this;
  };

  emit(_event: 'subscribe', request: SubscribeRequest, ack: (res: SubscribeAck) => void): this {
    this.subscribes.push({ request, ack });
    if (this.autoAck) ack({ ok: true, channels: request.channels, replayed: 0, last_id: request.since ?? 0 });
    return this;
  }

  connect(): this {
    this.connectCalls++;
    return this;
  }

  disconnect(): this {
    this.disconnectCalls++;
    this.connected = false;
    return this;
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  private fire(event: EventName, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])])
      (listener as (...a: unknown[]) => void)(...args);
  }

  // --- the test plays the server ---
  serverConnect(): void {
    this.connected = true;
    this.fire('connect');
  }

  serverDrop(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }

  serverRefuse(message: string): void {
    this.connected = false;
    this.fire('connect_error', new Error(message));
  }

  send<E extends keyof AdminToDashboardEvents>(
    event: E,
    payload: Parameters<AdminToDashboardEvents[E]>[0],
  ): void {
    this.fire(event, payload);
  }

  get lastSubscribe(): SubscribeCall | undefined {
    return this.subscribes[this.subscribes.length - 1];
  }
}
