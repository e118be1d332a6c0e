import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { LoginPage } from './auth/LoginPage';
import { RequireAuth } from './auth/RequireAuth';
import { AuthenticatedApp } from './layout/AuthenticatedApp';
import { MonitoringPage } from './pages/MonitoringPage';
import type { SocketFactory } from './socket/types';

// Monitoring is the landing page and ships in the entry chunk; Analytics (and every chart) loads
// on demand so the first screen stays small.
const AnalyticsPage = lazy(() => import('./pages/AnalyticsPage'));
const AlertsPage = lazy(() => import('./pages/AlertsPage'));
const ConversationsPage = lazy(() => import('./pages/ConversationsPage'));
const UserTranscriptPage = lazy(() => import('./pages/UserTranscriptPage'));

export function App({ createSocket }: { createSocket?: SocketFactory }) {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <AuthenticatedApp createSocket={createSocket} />
          </RequireAuth>
        }
      >
        <Route index element={<MonitoringPage />} />
        <Route path="analytics" element={<AnalyticsPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="conversations" element={<ConversationsPage />} />
        <Route path="users/:id" element={<UserTranscriptPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
