/**
 * `npm run simulate -- [options]`: simulated Messenger users writing to the bot (see --help).
 * Progress goes to stderr, the summary to stdout (so `--json | jq` works).
 */
import { resolve } from 'node:path';
import { withLocalSecrets } from '@botpulse/runtime';
import { parseCliArgs, USAGE, UsageError } from './simulator/cli-args';
import { BotUnreachableError } from './simulator/reachability';
import { formatSummary, ProgressPrinter } from './simulator/report';
import { runSimulation } from './simulator/run';

async function main(): Promise<number> {
  let choice: ReturnType<typeof parseCliArgs>;
  try {
    choice = parseCliArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`simulate: ${err.message}\nRun "npm run simulate -- --help" for the options.\n`);
    return 2;
  }
  if (choice === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let secret = choice.options.secret;
  if (!secret) {
    // The bot does the same when FB_APP_SECRET is unset locally, so both sign with one secret.
    const dataDir = resolve(process.env.DATA_DIR ?? './data');
    secret = withLocalSecrets({}, dataDir).env.FB_APP_SECRET!;
    if (!choice.quiet)
      process.stderr.write(`simulate: signing with FB_APP_SECRET from ${dataDir}/secrets.json\n`);
  }

  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nsimulate: stopping (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const printer = new ProgressPrinter(process.stderr);
  const { mode, ratePerMinute, url, durationMs } = choice.options;
  if (!choice.quiet) {
    process.stderr.write(
      `simulate: ${mode} mode, ${ratePerMinute}/min to ${url}` +
        `${durationMs > 0 ? ` for ${durationMs / 1000}s` : ' until Ctrl-C'}\n`,
    );
  }
  try {
    const summary = await runSimulation(
      {
        ...choice.options,
        secret,
        progressIntervalMs: 500,
        ...(choice.quiet ? {} : { onProgress: (p) => printer.update(p) }),
      },
      { signal: controller.signal },
    );
    printer.finish();
    process.stdout.write(`${choice.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)}\n`);
    if (summary.posts > 0 && summary.acked === 0) {
      process.stderr.write(
        `simulate: the bot at ${url} acknowledged none of ${summary.posts} POSTs` +
          `${summary.lastError ? ` (${summary.lastError})` : ''}\n`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    printer.finish();
    if (err instanceof BotUnreachableError) {
      process.stderr.write(`simulate: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`simulate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
