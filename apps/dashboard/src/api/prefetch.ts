import type { QueryClient } from '@tanstack/react-query';
import { dashboardQuery } from './dashboard';
import { sessionQuery } from './me';

/**
 * Asks for the first screen's data as soon as the bundle runs, in parallel, instead of one after
 * the other as the components mount (the session check, then the page, then its snapshot): the
 * session on every page (the login page asks too, to pass a signed-in visitor on), and the
 * Monitoring page's snapshot on `/`. The components then find the answers in the cache or in
 * flight. Without a session both answer 401 and the session check sends the visitor to the login
 * page as before.
 */
export function prefetchFirstScreen(client: QueryClient, pathname: string): void {
  void client.prefetchQuery(sessionQuery);
  if (pathname === '/') void client.prefetchQuery(dashboardQuery);
}
