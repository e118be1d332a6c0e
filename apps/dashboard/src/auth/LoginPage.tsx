import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiRequestError } from '../api/client';
import { useLogin } from '../api/login';
import { useSession } from '../api/me';
import { describeError } from '../components/ErrorState';
import { Logo } from '../layout/Logo';
import { safeNext } from './safeNext';

export function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.status === 401) return 'Invalid username or password';
    if (error.status === 429) {
      const seconds = error.retryAfterS ?? 60;
      return `Too many attempts — try again in ${seconds} seconds`;
    }
  }
  return describeError(error);
}

export function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const session = useSession();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const usernameRef = useRef<HTMLInputElement>(null);
  // The only thing to do on this page is type: save a click.
  useEffect(() => usernameRef.current?.focus(), []);

  if (session.isSuccess) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (login.isPending) return;
    login.mutate({ username, password }, { onSuccess: () => navigate(next, { replace: true }) });
  };

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={onSubmit} noValidate>
        <div className="login-brand">
          <h1 className="visually-hidden">Sign in to Botpulse</h1>
          <Logo />
          <p className="login-tagline">Sign in to watch your bot live</p>
        </div>
        <label className="field">
          <span className="field-label">Username</span>
          <input
            className="input"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            ref={usernameRef}
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            className="input"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {login.isError ? (
          <p className="form-error" role="alert">
            {loginErrorMessage(login.error)}
          </p>
        ) : null}
        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={login.isPending || !username || !password}
        >
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
