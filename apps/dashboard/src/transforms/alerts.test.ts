import { describe, expect, it } from 'vitest';
import { durationText, ruleSettingsText, ruleValueText } from './alerts';

describe('alert transforms', () => {
  it('says the value against the threshold', () => {
    expect(ruleValueText({ value: 12.5, unit: '% failed', threshold: 5 })).toBe(
      '12.5 % failed (threshold 5)',
    );
    expect(ruleValueText({ value: 0, unit: 'instances up', threshold: null })).toBe('0 instances up');
    expect(ruleValueText({ value: null, unit: 'x', threshold: 1 })).toBe('—');
  });
  it('says the settings and durations in words', () => {
    expect(ruleSettingsText({ for_seconds: 60, window_seconds: 600 })).toBe('for 1 min · window 10 min');
    expect(ruleSettingsText({ for_seconds: 90, window_seconds: null })).toBe('for 90 s');
    expect(durationText(192)).toBe('3 min 12 s');
    expect(durationText(null)).toBe('');
  });
});
