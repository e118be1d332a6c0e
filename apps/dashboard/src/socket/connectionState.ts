/** What the badge shows. `live` means connected *and* subscribed, i.e. events are flowing. */
export type ConnectionState = 'live' | 'reconnecting' | 'offline';

export interface ConnectionModel {
  connected: boolean;
  subscribed: boolean;
  browserOnline: boolean;
  /** the grace period after a drop has passed without getting back */
  retryWindowElapsed: boolean;
  /** has been live at least once: "Connecting…" vs "Reconnecting…" */
  everLive: boolean;
}

export type ConnectionEvent =
  | { type: 'connected' }
  | { type: 'subscribed' }
  | { type: 'subscribeFailed' }
  | { type: 'disconnected' }
  | { type: 'connectFailed' }
  | { type: 'retryWindowElapsed' }
  | { type: 'browserOffline' }
  | { type: 'browserOnline' };

export function initialConnection(browserOnline = true): ConnectionModel {
  return { connected: false, subscribed: false, browserOnline, retryWindowElapsed: false, everLive: false };
}

export function connectionState(model: ConnectionModel): ConnectionState {
  if (!model.browserOnline) return 'offline';
  if (model.connected && model.subscribed) return 'live';
  return model.retryWindowElapsed ? 'offline' : 'reconnecting';
}

/**
 * Pure transitions; the provider owns the timers and the socket. Retrying never stops: `offline`
 * only changes the label, and any successful subscribe goes straight back to `live`.
 */
export function connectionReducer(model: ConnectionModel, event: ConnectionEvent): ConnectionModel {
  switch (event.type) {
    case 'connected':
      return { ...model, connected: true, subscribed: false };
    case 'subscribed':
      return { ...model, connected: true, subscribed: true, retryWindowElapsed: false, everLive: true };
    case 'subscribeFailed':
      return { ...model, subscribed: false };
    case 'disconnected':
    case 'connectFailed':
      return { ...model, connected: false, subscribed: false };
    case 'retryWindowElapsed':
      return connectionState(model) === 'live' ? model : { ...model, retryWindowElapsed: true };
    case 'browserOffline':
      return { ...model, browserOnline: false };
    case 'browserOnline':
      // A fresh grace period: the network just came back, give the socket a moment to rejoin.
      return { ...model, browserOnline: true, retryWindowElapsed: false };
  }
}
