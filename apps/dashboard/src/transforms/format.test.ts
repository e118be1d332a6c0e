import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatChangePct,
  formatCompact,
  formatDurationMs,
  formatNumber,
  formatUptime,
} from './format';

describe('formatNumber', () => {
  it('uses thousands separators and rounds', () => {
    expect(formatNumber(1234)).toBe('1,234');
    expect(formatNumber(1234567.6)).toBe('1,234,568');
    expect(formatNumber(0)).toBe('0');
  });
  it('shows a dash for missing values', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
});

describe('formatCompact', () => {
  it('keeps small numbers exact and shortens big ones', () => {
    expect(formatCompact(9999)).toBe('9,999');
    expect(formatCompact(12_300)).toBe('12.3K');
    expect(formatCompact(4_500_000)).toBe('4.5M');
  });
});

describe('formatDurationMs', () => {
  it('picks the unit a person reads fastest', () => {
    expect(formatDurationMs(0.42)).toBe('0.4 ms');
    expect(formatDurationMs(849.6)).toBe('850 ms');
    expect(formatDurationMs(1432.7)).toBe('1.4 s');
    expect(formatDurationMs(125_000)).toBe('2 min 5 s');
    expect(formatDurationMs(120_000)).toBe('2 min');
  });
  it('rejects nonsense', () => {
    expect(formatDurationMs(-1)).toBe('—');
    expect(formatDurationMs(undefined)).toBe('—');
  });
});

describe('formatUptime', () => {
  it('reads as days, hours, minutes', () => {
    expect(formatUptime(42)).toBe('42 s');
    expect(formatUptime(12 * 60)).toBe('12 min');
    expect(formatUptime(3 * 3600 + 12 * 60)).toBe('3 h 12 min');
    expect(formatUptime(2 * 86_400 + 4 * 3600 + 59)).toBe('2 d 4 h');
    expect(formatUptime(86_400)).toBe('1 d');
  });
});

describe('formatChangePct', () => {
  it('signs the change and says "new" without a previous value', () => {
    expect(formatChangePct(12.345)).toBe('+12.3%');
    expect(formatChangePct(-3)).toBe('−3%');
    expect(formatChangePct(0.01)).toBe('0%');
    expect(formatChangePct(null)).toBe('new');
  });
});

describe('formatAgo', () => {
  const now = Date.parse('2026-03-08T12:00:00Z');
  it('is relative to now', () => {
    expect(formatAgo('2026-03-08T11:59:58Z', now)).toBe('just now');
    expect(formatAgo('2026-03-08T11:59:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2026-03-08T11:57:00Z', now)).toBe('3 min ago');
    expect(formatAgo('2026-03-08T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2026-03-06T12:00:00Z', now)).toBe('2 d ago');
    expect(formatAgo(null, now)).toBe('never');
  });
});
