import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** attempts including the first */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A failed call to a dependency: whether to try again, and what to tell the operator. */
export class DependencyError extends Error {
  override name = 'DependencyError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string | number,
    readonly status?: number,
    /** server-suggested wait (Retry-After), ms */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Calls `fn` until it succeeds, a non-retryable error comes, or attempts run out, waiting with
 * exponential backoff and full jitter between tries. `onAttemptFailed` sees every failure (counted).
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  onAttemptFailed?: (err: unknown, attempt: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      onAttemptFailed?.(err, attempt);
      const retryable = err instanceof DependencyError ? err.retryable : false;
      if (!retryable || attempt >= policy.attempts || signal?.aborted) throw err;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const hinted = err instanceof DependencyError && err.retryAfterMs ? err.retryAfterMs : 0;
      await sleep(Math.min(policy.maxDelayMs, Math.max(hinted, Math.random() * backoff)), undefined, {
        signal,
      });
    }
  }
}
