import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import {
  type ConnectionState,
  connectionReducer,
  connectionState,
  initialConnection,
} from './connectionState';
import { createDashboardSocket } from './createSocket';
import { startSocketSession } from './socketSession';
import type { DashboardSocket, DashboardSocketEvents, ServerEventName, SocketFactory } from './types';
import { useBrowserOnline } from './useBrowserOnline';

export interface SocketContextValue {
  state: ConnectionState;
  /** false until the first successful subscribe: the badge says "Connecting" rather than "Reconnecting" */
  everLive: boolean;
  /** increments on every successful subscribe; > 1 means a reconnect happened */
  epoch: number;
  /** why the last attempt failed ("forbidden origin", "xhr poll error"), for the badge's tooltip */
  lastError: string | null;
  lastSeenId: () => number | null;
  /** Listen to an admin event; returns the unsubscribe function. Survives reconnects. */
  listen<E extends ServerEventName>(event: E, listener: DashboardSocketEvents[E]): () => void;
  /**
   * Where the feed's snapshot ends. The first subscribe waits for it so that nothing falls in the
   * gap between the REST snapshot and the stream (null: no snapshot, start from now).
   */
  setResumePoint(id: number | null): void;
}

const SocketContext = createContext<SocketContextValue | null>(null);

export interface SocketProviderProps {
  children: ReactNode;
  /** Injectable for tests; defaults to the real socket.io connection. */
  createSocket?: SocketFactory;
  /** The session is gone (connect_error "unauthorized"). */
  onUnauthorized?: () => void;
  /** How long "reconnecting" lasts before it is called "offline" (retrying continues). */
  offlineAfterMs?: number;
  /** Subscribe on connect without waiting for setResumePoint (no snapshot to line up with). */
  subscribeImmediately?: boolean;
  /** Delay before asking again after a refused or unanswered subscribe. */
  resubscribeDelayMs?: number;
}

type AnyListener = (...args: never[]) => void;

export function SocketProvider({
  children,
  createSocket = createDashboardSocket,
  onUnauthorized,
  offlineAfterMs = 5_000,
  subscribeImmediately = false,
  resubscribeDelayMs = 2_000,
}: SocketProviderProps) {
  const [model, dispatch] = useReducer(connectionReducer, undefined, () =>
    initialConnection(typeof navigator === 'undefined' ? true : navigator.onLine),
  );
  const [epoch, setEpoch] = useState(0);
  const [lastError, setLastError] = useState<string | null>(null);
  const socketRef = useRef<DashboardSocket | null>(null);
  const lastSeenRef = useRef<number | null>(null);
  const resumeReadyRef = useRef(subscribeImmediately);
  const listenersRef = useRef(new Map<ServerEventName, Set<AnyListener>>());
  const subscribeRef = useRef<() => void>(() => {});
  const onUnauthorizedRef = useRef(onUnauthorized);
  onUnauthorizedRef.current = onUnauthorized;
  // Read once at mount: a new factory identity on re-render must not tear the connection down.
  const createSocketRef = useRef(createSocket);

  useBrowserOnline(dispatch, () => {
    const socket = socketRef.current;
    if (socket && !socket.connected) socket.connect();
  });

  useEffect(() => {
    const socket = createSocketRef.current();
    socketRef.current = socket;
    const session = startSocketSession(socket, {
      dispatch,
      onSubscribed: () => setEpoch((n) => n + 1),
      onProblem: setLastError,
      onUnauthorized: () => onUnauthorizedRef.current?.(),
      // One handler per event fans out to the listeners, so listeners need not know the socket.
      deliver: (event, payload) => {
        for (const listener of listenersRef.current.get(event) ?? []) {
          (listener as (p: typeof payload) => void)(payload);
        }
      },
      maySubscribe: () => resumeReadyRef.current,
      getLastSeen: () => lastSeenRef.current,
      setLastSeen: (id) => {
        lastSeenRef.current = id;
      },
      resubscribeDelayMs,
    });
    subscribeRef.current = session.subscribe;
    return () => {
      session.dispose();
      socketRef.current = null;
      subscribeRef.current = () => {};
    };
  }, [resubscribeDelayMs]);

  const state = connectionState(model);

  // "Reconnecting" turns into "offline" if the grace period passes without getting back.
  useEffect(() => {
    if (state !== 'reconnecting') return;
    const timer = setTimeout(() => dispatch({ type: 'retryWindowElapsed' }), offlineAfterMs);
    return () => clearTimeout(timer);
  }, [state, offlineAfterMs]);

  const listen = useCallback<SocketContextValue['listen']>((event, listener) => {
    const map = listenersRef.current;
    const set = map.get(event) ?? new Set<AnyListener>();
    map.set(event, set);
    set.add(listener as AnyListener);
    return () => {
      set.delete(listener as AnyListener);
    };
  }, []);

  const setResumePoint = useCallback((id: number | null) => {
    if (id !== null && (lastSeenRef.current === null || id > lastSeenRef.current)) lastSeenRef.current = id;
    if (!resumeReadyRef.current) {
      resumeReadyRef.current = true;
      subscribeRef.current();
    }
  }, []);

  const lastSeenId = useCallback(() => lastSeenRef.current, []);

  const value = useMemo<SocketContextValue>(
    () => ({ state, everLive: model.everLive, epoch, lastError, lastSeenId, listen, setResumePoint }),
    [state, model.everLive, epoch, lastError, lastSeenId, listen, setResumePoint],
  );
  return <SocketContext.Provider value={value}>{children}</SocketContext.Provider>;
}

export function useSocket(): SocketContextValue {
  const value = useContext(SocketContext);
  if (!value) throw new Error('useSocket must be used inside <SocketProvider>');
  return value;
}
