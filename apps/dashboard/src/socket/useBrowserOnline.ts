import { type Dispatch, useEffect, useRef } from 'react';
import type { ConnectionEvent } from './connectionState';

/** The browser knows before socket.io does that the network is gone (or back). */
export function useBrowserOnline(dispatch: Dispatch<ConnectionEvent>, onBackOnline: () => void): void {
  const onBackRef = useRef(onBackOnline);
  onBackRef.current = onBackOnline;
  useEffect(() => {
    const offline = () => dispatch({ type: 'browserOffline' });
    const online = () => {
      dispatch({ type: 'browserOnline' });
      onBackRef.current();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
    };
  }, [dispatch]);
}
