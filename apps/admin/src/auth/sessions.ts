import { createHash, randomBytes } from 'node:crypto';
import {
  createSession,
  type Db,
  deleteSession,
  getValidSession,
  touchSession,
  type ValidSession,
} from '@botpulse/db';

export const SESSION_COOKIE = 'botpulse_session';
/** at most this often; more often when the idle timeout is short (see `touchEveryMs`) */
const TOUCH_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Sessions live in PostgreSQL (every admin process shares them); the cookie holds a random token,
 * the table only its hash. Idle and absolute expiry; `last_seen_at` is written at most once a minute.
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly idleSeconds: number,
    private readonly maxSeconds: number,
  ) {}

  /**
   * A session in use must be touched well before it counts as idle: with an idle timeout of a
   * minute or less, touching once a minute would end sessions that are used all the time.
   */
  private get touchEveryMs(): number {
    return Math.min(TOUCH_EVERY_MS, (this.idleSeconds * 1000) / 4);
  }

  async create(userId: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.maxSeconds * 1000);
    await createSession(this.db, { tokenHash: hashToken(token), userId, expiresAt });
    return { token, expiresAt };
  }

  async validate(token: string | undefined): Promise<(ValidSession & { tokenHash: string }) | undefined> {
    if (!token || token.length > 200) return undefined;
    const tokenHash = hashToken(token);
    const session = await getValidSession(this.db, tokenHash, this.idleSeconds);
    if (!session) return undefined;
    if (Date.now() - session.last_seen_at.getTime() > this.touchEveryMs)
      await touchSession(this.db, tokenHash);
    return { ...session, tokenHash };
  }

  async destroy(token: string): Promise<void> {
    await deleteSession(this.db, hashToken(token));
  }

  get cookieMaxAgeSeconds(): number {
    return this.maxSeconds;
  }
}
