import type { DashboardHealth } from '@botpulse/protocol';

export type ServiceKey = keyof DashboardHealth['services'];

/** The four dependencies of plan 3.1.1, in the order a reader scans them. */
export const SERVICES: ReadonlyArray<{ key: ServiceKey; label: string; testId: string }> = [
  { key: 'bot', label: 'Bot', testId: 'health-bot' },
  { key: 'database', label: 'Database', testId: 'health-database' },
  { key: 'facebook', label: 'Facebook API', testId: 'health-facebook' },
  { key: 'gemini', label: 'Gemini AI', testId: 'health-gemini' },
];

export const OVERALL_WORDS = {
  ok: 'All systems operational',
  degraded: 'Some systems degraded',
  down: 'Outage: some systems are down',
} as const;
