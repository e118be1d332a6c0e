import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigationType } from 'react-router-dom';
import { Skeleton } from '../components/Skeleton';
import { AlertBanner } from './AlertBanner';
import { ConnectionBadge } from './ConnectionBadge';
import { DemoBanner } from './DemoBanner';
import { Logo } from './Logo';
import { UserMenu } from './UserMenu';

const navClass = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' nav-link-active' : ''}`;

/**
 * A page opened from a link starts at its top: BrowserRouter keeps the previous page's scroll
 * offset, which opened Analytics below its range picker after scrolling the Monitoring feed.
 * Back/forward (POP) and changes within a page (Analytics' search params) are left alone.
 */
function useScrollToTopOnNewPage() {
  const { pathname } = useLocation();
  const navigationType = useNavigationType();
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    if (navigationType !== 'POP') window.scrollTo(0, 0);
  }, [pathname, navigationType]);
}

export function AppShell() {
  useScrollToTopOnNewPage();
  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/" className="brand-link" aria-label="Botpulse home">
            <Logo />
          </NavLink>
          <nav className="nav" aria-label="Main">
            <NavLink to="/" end className={navClass}>
              Monitoring
            </NavLink>
            <NavLink to="/analytics" className={navClass}>
              Analytics
            </NavLink>
            <NavLink to="/conversations" className={navClass}>
              Conversations
            </NavLink>
            <NavLink to="/alerts" className={navClass}>
              Alerts
            </NavLink>
          </nav>
          <div className="topbar-right">
            <ConnectionBadge />
            <UserMenu />
          </div>
        </div>
      </header>
      <AlertBanner />
      <DemoBanner />
      <main className="main">
        <Suspense fallback={<Skeleton height={480} label="Loading page" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
