import type { AlertRuleView, AlertState } from '@botpulse/protocol';

export const ALERT_STATE_WORDS: Record<AlertState, string> = {
  normal: 'Normal',
  pending: 'Pending',
  firing: 'Firing',
  resolved: 'Resolved',
};

/** `12.5 % failed (threshold 5)`, `0 instances up`; an em dash when nothing was measured. */
export function ruleValueText(rule: Pick<AlertRuleView, 'value' | 'unit' | 'threshold'>): string {
  if (rule.value === null) return '—';
  const threshold = rule.threshold !== null ? ` (threshold ${rule.threshold})` : '';
  return `${rule.value} ${rule.unit}${threshold}`;
}

/** The settings of a rule in words: `for 60 s · window 10 min`. */
export function ruleSettingsText(rule: Pick<AlertRuleView, 'for_seconds' | 'window_seconds'>): string {
  const parts = [`for ${seconds(rule.for_seconds)}`];
  if (rule.window_seconds !== null) parts.push(`window ${seconds(rule.window_seconds)}`);
  return parts.join(' · ');
}

export function seconds(s: number): string {
  if (s === 0) return '0 s';
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** Duration of a resolved alert, `3 min 12 s`. */
export function durationText(totalSeconds: number | null): string {
  if (totalSeconds === null) return '';
  const s = Math.round(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${r} s`;
  return `${r} s`;
}
