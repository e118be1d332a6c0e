import { type Db, getAdminUserByName, setAdminPassword } from '@botpulse/db';
import type { LoginThrottle } from './login-throttle';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';
import type { SessionStore } from './sessions';

export type LoginResult =
  | { ok: true; username: string; token: string; expiresAt: Date }
  | { ok: false; reason: 'throttled'; retryAfterMs: number }
  | { ok: false; reason: 'invalid' };

/** Logging in and changing passwords: throttled, constant-time, and ending old sessions. */
export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionStore,
    private readonly throttle: LoginThrottle,
  ) {}

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    // Counted before the password is checked, so a parallel burst cannot outrun the limit.
    const wait = await this.throttle.attempt(username, address);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
    // PostgreSQL text cannot hold NUL (the query would fail): such a name is nobody's.
    const user = username.includes('\u0000') ? undefined : await getAdminUserByName(this.db, username);
    // Unknown users are checked against a dummy hash, so timing does not tell them apart.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) return { ok: false, reason: 'invalid' };
    await this.throttle.succeeded(username, address);
    const { token, expiresAt } = await this.sessions.create(user.id);
    return { ok: true, username: user.username, token, expiresAt };
  }

  /** Sets a new password; every other session of this admin ends, the current one stays. */
  async changePassword(
    username: string,
    current: string,
    next: string,
    address: string,
    keepTokenHash: string,
  ): Promise<
    { ok: true } | { ok: false; reason: 'throttled'; retryAfterMs: number } | { ok: false; reason: 'invalid' }
  > {
    const wait = await this.throttle.attempt(username, address);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
    const user = await getAdminUserByName(this.db, username);
    if (!user || !(await verifyPassword(current, user.password_hash)))
      return { ok: false, reason: 'invalid' };
    await this.throttle.succeeded(username, address);
    await setAdminPassword(this.db, user.username, await hashPassword(next), { keepTokenHash });
    return { ok: true };
  }
}
