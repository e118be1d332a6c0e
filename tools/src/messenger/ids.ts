import { randomBytes } from 'node:crypto';

/** The page every fake and simulated event talks about (the id the fixtures use). */
export const DEMO_PAGE = { id: '104828345670001', name: 'Botpulse Demo Page' } as const;

/** The app id Meta puts on echoes of messages our app sent (as in the echo fixture). */
export const DEMO_APP_ID = 1517776481860111;

/**
 * A fresh message id shaped like Meta's (`m_` + base64url). Always random, never derived from a
 * seed: the bot deduplicates on `mid`, so a second seeded run must not look like a replay of the
 * first.
 */
export function newMid(): string {
  return `m_${randomBytes(64).toString('base64url')}`;
}
