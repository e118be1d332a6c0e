import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './cli-args';

describe('parseCliArgs', () => {
  it('maps flags to options, the secret from the environment', () => {
    const choice = parseCliArgs(
      [
        '--load',
        '--rate',
        '5000',
        '--duration',
        '2m',
        '--users',
        '50',
        '--seed',
        'x',
        '--tz',
        'Europe/Paris',
        '--quiet',
      ],
      { FB_APP_SECRET: 'from-env' },
    );
    expect(choice).not.toBe('help');
    if (choice === 'help') return;
    expect(choice.options).toMatchObject({
      mode: 'load',
      ratePerMinute: 5_000,
      durationMs: 120_000,
      users: 50,
      seed: 'x',
      timeZone: 'Europe/Paris',
      secret: 'from-env',
    });
    expect(choice.quiet).toBe(true);
    expect(parseCliArgs(['--help'], {})).toBe('help');
  });

  it('explains bad flags', () => {
    const fails = (argv: string[]) => {
      try {
        parseCliArgs(argv, {});
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      throw new Error('expected a UsageError');
    };
    expect(fails(['--rate', 'fast'])).toBe('--rate: expected a number, got "fast"');
    expect(fails(['--rate=-1'])).toMatch(/^--rate: rate must be > 0/);
    expect(fails(['--users', '2.5'])).toMatch(/^--users/);
    expect(fails(['--duration', 'soon'])).toMatch(/^--duration/);
    expect(fails(['--rhythm', 'maybe'])).toMatch(/^--rhythm/);
    expect(fails(['--nope'])).toMatch(/nope/);
  });
});
