import {
  type AdminToDashboardEvents,
  DASHBOARD_NAMESPACE,
  type DashboardToAdminEvents,
} from '@botpulse/protocol';
import { io, type Socket } from 'socket.io-client';
import type { DashboardSocket } from './types';

/**
 * The real connection: same origin, session cookie, socket.io's own exponential backoff capped at
 * 5 s so a recovered server is noticed quickly. Not connected until the provider says so.
 */
export function createDashboardSocket(): DashboardSocket {
  const socket: Socket<AdminToDashboardEvents, DashboardToAdminEvents> = io(DASHBOARD_NAMESPACE, {
    withCredentials: true,
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    // WebSocket first: several admins behind a proxy then need no sticky sessions. Long-polling
    // remains the fallback where a proxy does not pass WebSockets.
    transports: ['websocket', 'polling'],
  });
  return socket;
}
