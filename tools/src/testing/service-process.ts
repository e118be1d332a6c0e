import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The service processes still running. Killed when this process exits, so that none outlives it
 * (a test that failed before its stop(), a benchmark stopped with Ctrl+C).
 */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

/**
 * A real service process for end-to-end tests (`node --import tsx <script>`), with its output kept
 * so a test can wait for a line and show the logs when it fails.
 */
export class ServiceProcess {
  private proc: ChildProcess | undefined;
  readonly lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({
    code: null,
    signal: null,
  });

  constructor(
    readonly name: string,
    private readonly script: string,
    public env: NodeJS.ProcessEnv,
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  start(): void {
    // A second process under the same handle would outlive the test: nothing could stop it.
    if (this.running) throw new Error(`${this.name} is already running (stop it before starting it again)`);
    // Extra node flags (e.g. --cpu-prof for profiling, --expose-gc for heap checks), space-separated.
    const nodeArgs = (this.env.BOTPULSE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', this.script], {
      cwd: ROOT,
      env: { ...this.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    running.add(proc);
    this.exit = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        resolve({ code, signal });
      }),
    );
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        if (this.lines.length > 5_000) this.lines.shift();
        this.waiters = this.waiters.filter((w) => {
          if (!w.re.test(line)) return true;
          w.resolve(line);
          return false;
        });
      });
    }
  }

  /** Resolves with the first output line (already printed or to come) matching `re`. */
  waitForLine(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `${this.name}: no line matching ${re} within ${timeoutMs} ms. Last lines:\n${this.lines.slice(-20).join('\n')}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        re,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    graceMs = 15_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const proc = this.proc;
    if (!proc || !this.running) return this.exit;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const result = await this.exit;
    clearTimeout(timer);
    return result;
  }

  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.stop('SIGKILL');
  }
}
