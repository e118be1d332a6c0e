import { describe, expect, it } from 'vitest';
import { canonicalPath, isUnder } from './request-path';

describe('canonicalPath', () => {
  it.each([
    ['/api/monitoring/dashboard', '/api/monitoring/dashboard'],
    ['/%61pi/monitoring/dashboard', '/api/monitoring/dashboard'],
    ['/ap%69/x', '/api/x'],
    ['/%2561pi/x', '/api/x'],
    ['/%252561pi/x', '/api/x'],
    ['/api/./x', '/api/x'],
    ['/api//x', '/api/x'],
    ['//api/x', '/api/x'],
    ['/API/x', '/api/x'],
    ['/api;jsessionid=1/x', '/api/x'],
    ['/api/x;a=b', '/api/x'],
    ['/api/x%00', '/api/x'],
    ['/api%2Fx', '/api/x'],
    ['/x/../api/x', '/api/x'],
    ['/../../api/x', '/api/x'],
    ['\\api\\x', '/api/x'],
    ['/api/x?y=%2F..', '/api/x'],
    ['http://127.0.0.1:4000/API/x', '/api/x'],
    ['HTTPS://user@host/%61pi/x', '/api/x'],
    ['/', '/'],
    ['', '/'],
    ['/%zz/api', '/%zz/api'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalPath(input)).toBe(expected);
  });
});

describe('isUnder', () => {
  it('is the area or below it, not a longer name', () => {
    expect(isUnder('/api', '/api')).toBe(true);
    expect(isUnder('/api/x', '/api')).toBe(true);
    expect(isUnder('/apix', '/api')).toBe(false);
    expect(isUnder('/metrics', '/metrics')).toBe(true);
    expect(isUnder('/metricsx', '/metrics')).toBe(false);
  });
});
