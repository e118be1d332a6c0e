import { setTimeout as sleep } from 'node:timers/promises';
import { webhookUrl } from '../messenger/post';

/** The bot did not answer at all (refused, unknown host, timed out): nothing to simulate against. */
export class BotUnreachableError extends Error {
  override name = 'BotUnreachableError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(
      `Cannot reach the bot at ${url} (${reason}). Is it running? Start it with "npm run bot" ` +
        `(or "npm start"), or point the simulator at it with --url.`,
    );
  }
}

/** The most telling part of a network failure (fetch hides the system error in `cause`). */
export function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const own = (err as NodeJS.ErrnoException).code;
    if (own) return `${own}: ${err.message}`;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code ? `${code}: ${cause.message}` : cause.message;
    }
    return err.message;
  }
  return String(err);
}

/**
 * Waits until the bot answers anything on its webhook URL (a GET without the verify handshake is
 * refused, which proves it is up), for at most `waitMs`. The npm start supervisor starts the bot
 * and the simulator together, hence the wait.
 */
export async function waitForBot(botUrl: string, waitMs: number, signal?: AbortSignal): Promise<void> {
  const url = webhookUrl(botUrl);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      await res.body?.cancel();
      return;
    } catch (err) {
      if (Date.now() >= deadline || signal?.aborted)
        throw new BotUnreachableError(botUrl, describeNetworkError(err));
    }
    await sleep(Math.min(500, Math.max(0, deadline - Date.now())), undefined, { signal }).catch(
      () => undefined,
    );
  }
}
