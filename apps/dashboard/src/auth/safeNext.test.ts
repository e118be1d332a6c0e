import { describe, expect, it } from 'vitest';
import { loginPathFor, safeNext } from './safeNext';

describe('safeNext', () => {
  it('allows same-site paths only', () => {
    expect(safeNext('/analytics?range=30d')).toBe('/analytics?range=30d');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('/login')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
  it('remembers where the user was going', () => {
    expect(loginPathFor({ pathname: '/analytics', search: '?range=30d' })).toBe(
      '/login?next=%2Fanalytics%3Frange%3D30d',
    );
    expect(loginPathFor({ pathname: '/', search: '' })).toBe('/login');
  });
});
