import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether apps/dashboard/dist is missing or older than the dashboard's (or the protocol's) sources. */
export function dashboardNeedsBuild(root: string): boolean {
  try {
    const built = statSync(join(root, 'apps/dashboard/dist/index.html')).mtimeMs;
    const sources = Math.max(
      newestMtime(join(root, 'apps/dashboard/src')),
      newestMtime(join(root, 'packages/protocol/src')),
      statSync(join(root, 'apps/dashboard/index.html')).mtimeMs,
    );
    return sources > built;
  } catch {
    return true;
  }
}

/** `vite build` of the dashboard, its output passed to `onLine`. */
export function buildDashboard(root: string, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
      {
        cwd: join(root, 'apps/dashboard'),
        // An inherited NODE_ENV (Vitest sets "test", a shell may export "development") would make
        // Vite bundle React's development build: 2-3 times larger and slower.
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const s of [proc.stdout, proc.stderr])
      s.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach(onLine));
    proc.on('error', reject);
    proc.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`dashboard build failed (exit ${code})`)),
    );
  });
}
