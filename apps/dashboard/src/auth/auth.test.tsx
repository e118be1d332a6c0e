import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';
import { mockApi, SESSION } from '../test/mockApi';
import { renderApp } from '../test/renderApp';
import { signedInRoutes } from '../test/routes';

const location = () => screen.getByTestId('location').textContent;

function fillLogin(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('login and sessions', () => {
  it('sends a visitor without a session to /login, keeping the intended path', async () => {
    mockApi({
      'GET /api/auth/me': { status: 401, body: { error: 'unauthorized', message: 'Log in first' } },
    });
    renderApp(new FakeSocket(), '/analytics?range=30d');
    await waitFor(() => expect(location()).toBe('/login?next=%2Fanalytics%3Frange%3D30d'));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('says exactly "Invalid username or password" on a wrong login', async () => {
    mockApi({
      'GET /api/auth/me': { status: 401, body: { error: 'unauthorized', message: 'Log in first' } },
      'POST /api/auth/login': { status: 401, body: { error: 'invalid_credentials', message: 'nope' } },
    });
    renderApp(new FakeSocket(), '/login');
    await screen.findByLabelText('Username');
    fillLogin('admin', 'wrong');
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid username or password');
  });

  it('tells how long to wait when rate limited', async () => {
    mockApi({
      'GET /api/auth/me': { status: 401, body: { error: 'unauthorized', message: 'Log in first' } },
      'POST /api/auth/login': {
        status: 429,
        body: { error: 'rate_limited', message: 'x' },
        headers: { 'Retry-After': '30' },
      },
    });
    renderApp(new FakeSocket(), '/login');
    await screen.findByLabelText('Username');
    fillLogin('admin', 'wrong');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Too many attempts — try again in 30 seconds',
    );
  });

  it('disables the button while signing in, then goes where the user wanted', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let signedIn = false;
    const calls = mockApi(
      signedInRoutes(undefined, {
        'GET /api/auth/me': () =>
          signedIn
            ? { body: SESSION }
            : { status: 401, body: { error: 'unauthorized', message: 'Log in first' } },
        'POST /api/auth/login': async () => {
          await gate;
          signedIn = true;
          return { body: SESSION };
        },
      }),
    );
    renderApp(new FakeSocket(), '/login?next=%2Fanalytics');
    await screen.findByLabelText('Username');
    fillLogin('admin', 'correct horse battery');
    const button = await screen.findByRole('button', { name: 'Signing in…' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    release();
    await waitFor(() => expect(location()).toBe('/analytics'));
    expect(calls.find((c) => c.url.pathname === '/api/auth/login')?.body).toEqual({
      username: 'admin',
      password: 'correct horse battery',
    });
  });

  it('goes to /login when an API call answers 401 mid-session', async () => {
    mockApi(
      signedInRoutes(undefined, {
        'GET /api/monitoring/dashboard': {
          status: 401,
          body: { error: 'unauthorized', message: 'Session expired' },
        },
      }),
    );
    renderApp(new FakeSocket(), '/');
    await waitFor(() => expect(location()).toBe('/login'));
  });

  it('goes to /login when the socket says the session is gone', async () => {
    mockApi(signedInRoutes());
    const socket = new FakeSocket();
    renderApp(socket, '/analytics');
    await screen.findByTestId('connection-state');
    socket.serverRefuse('unauthorized');
    await waitFor(() => expect(location()).toBe('/login?next=%2Fanalytics'));
    expect(socket.disconnectCalls).toBeGreaterThan(0);
  });

  it('logs out', async () => {
    const calls = mockApi(signedInRoutes(undefined, { 'POST /api/auth/logout': { status: 204 } }));
    renderApp(new FakeSocket(), '/');
    fireEvent.click(await screen.findByRole('button', { name: 'Log out' }));
    await waitFor(() => expect(location()).toBe('/login'));
    expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/auth/logout')).toBe(true);
  });
});
