import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  name: string;
  /** script run with `node --import tsx` */
  script: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface ChildEvents {
  line(name: string, line: string, stream: 'stdout' | 'stderr'): void;
  started(name: string, pid: number): void;
  exited(name: string, code: number | null, signal: NodeJS.Signals | null, restartInMs: number | null): void;
}

const MAX_BACKOFF_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

/**
 * One supervised service process. If it dies on its own it is started again after a backoff that
 * doubles with each quick failure (1 s … 30 s) and resets once it has run for a minute.
 */
export class ManagedChild {
  private proc: ChildProcess | undefined;
  private stopping = false;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: ChildSpec,
    private readonly events: ChildEvents,
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  start(): void {
    this.stopping = false;
    this.startedAt = Date.now();
    const proc = spawn(process.execPath, ['--import', 'tsx', this.spec.script], {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl+C in the terminal (SIGINT to the whole foreground group)
      // reaches only the supervisor, which stops the services first (they drain) and the database
      // last. Sharing the group, the database stopped at once under the draining bot (and was
      // restarted as a crash), and each service got two signals. (Not on Windows: there it would
      // open a console window per child, and signals do not work this way anyway.)
      detached: process.platform !== 'win32',
    });
    this.proc = proc;
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: proc[stream]! }).on('line', (line) =>
        this.events.line(this.spec.name, line, stream),
      );
    }
    proc.once('spawn', () => this.events.started(this.spec.name, proc.pid!));
    proc.once('exit', (code, signal) => {
      if (this.proc === proc) this.proc = undefined;
      if (this.stopping) {
        this.events.exited(this.spec.name, code, signal, null);
        return;
      }
      if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.failures = 0;
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures);
      this.failures++;
      this.events.exited(this.spec.name, code, signal, delay);
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  /** SIGKILL a child that is alive but hung; it is restarted as after a crash. */
  killHung(): void {
    if (this.stopping) return;
    this.proc?.kill('SIGKILL');
  }

  /** SIGKILL at once, no restart (the supervisor was told to quit now). */
  kill(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.proc?.kill('SIGKILL');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
