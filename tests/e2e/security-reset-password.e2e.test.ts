import { spawn } from 'node:child_process';
import { ROOT, type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from './admin-support';

// `npm run admin:reset-password` as an operator runs it: a real process with DATABASE_URL, against
// the database a running admin uses. A new password that works, every old session ended, and a
// clear refusal of a short one.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ bots: 0, graph: false });
});
afterAll(async () => {
  await stack?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function resetPassword(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'admin:reset-password', '--', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: stack.databaseUrl,
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const me = (cookie: string) => stack.api('/api/auth/me', cookie);

describe('npm run admin:reset-password', () => {
  let generated = '';

  it('--user admin prints a new password that logs in, and ends the existing sessions', async () => {
    const old = await stack.login();
    const other = await stack.login();
    expect((await me(old)).status).toBe(200);

    const run = await resetPassword('--user', 'admin');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Password of "admin" set; all of its sessions ended.');
    const match = /^New password: (\S+)$/m.exec(run.stdout);
    expect(match, run.stdout).not.toBeNull();
    generated = match![1]!;
    expect(generated.length).toBeGreaterThanOrEqual(16);
    expect(generated).not.toBe(stack.secrets.ADMIN_PASSWORD);

    expect((await me(old)).status).toBe(401);
    expect((await me(other)).status).toBe(401);
    expect((await login(stack, 'admin', stack.secrets.ADMIN_PASSWORD)).status).toBe(401);
    const fresh = await login(stack, 'admin', generated);
    expect(fresh.status).toBe(200);
  });

  it('--password short fails with a clear message and exit code 1, changing nothing', async () => {
    const session = await stack.login(generated);
    const run = await resetPassword('--user', 'admin', '--password', 'short');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('reset-password: --password must have at least 12 characters');
    expect(run.stdout).not.toContain('set;');
    expect((await me(session)).status).toBe(200);
    expect((await login(stack, 'admin', generated)).status).toBe(200);
  });

  it('--password <chosen> sets that one without printing it; another --user is created', async () => {
    const chosen = 'chosen-Passphrase-42';
    const run = await resetPassword('--user', 'alice', '--password', chosen);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Password of "alice" set');
    expect(run.stdout + run.stderr).not.toContain(chosen);
    expect((await login(stack, 'alice', chosen)).status).toBe(200);

    const bad = await resetPassword('--user', 'bad name!');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('reset-password: --user must be 1-64 letters, digits or _.@-');
  });
});
