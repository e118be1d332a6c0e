import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router-dom';
import { Skeleton } from '../components/Skeleton';
import { ConnectionBadge } from './ConnectionBadge';
import { DemoBanner } from './DemoBanner';
import { Logo } from './Logo';
import { UserMenu } from './UserMenu';

const navClass = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' nav-link-active' : ''}`;

export function AppShell() {
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
          </nav>
          <div className="topbar-right">
            <ConnectionBadge />
            <UserMenu />
          </div>
        </div>
      </header>
      <DemoBanner />
      <main className="main">
        <Suspense fallback={<Skeleton height={480} label="Loading page" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
