import type { Logger } from 'pino';

/** Signals this soon after the first are the same stop request delivered twice, not a second one. */
const REPEAT_WINDOW_MS = 2_000;

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits. A second signal, or `stop` taking longer than
 * `timeoutMs`, exits at once so a stuck drain never keeps the process alive forever.
 *
 * A signal within 2 s of the first is not a second one: the same stop request often arrives twice
 * (a terminal or container runtime signals the whole process group, and a process manager such as
 * npm relays it too); taking that as "stop now" would abandon the drain.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>, timeoutMs = 15_000): void {
  let stoppingSince = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince > 0) {
      if (Date.now() - stoppingSince < REPEAT_WINDOW_MS) {
        log.info({ signal }, 'already shutting down');
        return;
      }
      log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a later signal must reach the handler, not Node's default (die by signal).
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Prints a config/start-up error as one line and exits; used by every service's main. */
export function exitOnStartupError(service: string, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${service}: ${message}\n`);
  process.exit(1);
}

/**
 * Runs `task` every `ms` without keeping the process alive. A failure (thrown or rejected) is
 * logged at warn as `failure` and the next tick tries again. Returns the timer, to clear on stop.
 */
export function every(ms: number, task: () => unknown, log: Logger, failure: string): NodeJS.Timeout {
  const timer = setInterval(() => {
    Promise.resolve()
      .then(task)
      .catch((err: Error) => log.warn({ err: err.message }, failure));
  }, ms);
  timer.unref();
  return timer;
}
