import type { AdminToDashboardEvents, SubscribeAck, SubscribeRequest } from '@botpulse/protocol';

/** Socket.io's own lifecycle events, which the admin's typed events do not include. */
export interface SocketLifecycleEvents {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (err: Error) => void;
}

export type DashboardSocketEvents = AdminToDashboardEvents & SocketLifecycleEvents;
export type ServerEventName = keyof AdminToDashboardEvents;

/**
 * One overload per event rather than a generic: socket.io's conditional listener types cannot be
 * related to a generic event name, but they check fine against each concrete one.
 */
export interface ListenerMethod {
  (event: 'connect', listener: SocketLifecycleEvents['connect']): unknown;
  (event: 'disconnect', listener: SocketLifecycleEvents['disconnect']): unknown;
  (event: 'connect_error', listener: SocketLifecycleEvents['connect_error']): unknown;
  (event: 'metrics:update', listener: AdminToDashboardEvents['metrics:update']): unknown;
  (event: 'message:new', listener: AdminToDashboardEvents['message:new']): unknown;
  (event: 'health:changed', listener: AdminToDashboardEvents['health:changed']): unknown;
  (event: 'error:occurred', listener: AdminToDashboardEvents['error:occurred']): unknown;
}

/**
 * The slice of a socket.io-client `Socket` the dashboard uses. Kept this small so tests can hand
 * the provider a fake object instead of a network connection.
 */
export interface DashboardSocket {
  readonly connected: boolean;
  /** socket.io: false when it will not retry by itself (refused by middleware, server kicked us) */
  readonly active?: boolean;
  on: ListenerMethod;
  off: ListenerMethod;
  emit(event: 'subscribe', request: SubscribeRequest, ack: (res: SubscribeAck) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

export type SocketFactory = () => DashboardSocket;
