import { describe, expect, it } from 'vitest';
import { mockApi } from '../test/mockApi';
import { ApiRequestError, apiFetch, isRetryable, toQueryString } from './client';

describe('apiFetch', () => {
  it('returns JSON and sends JSON bodies with the cookie', async () => {
    const calls = mockApi({ 'POST /api/x': { body: { ok: 1 } } });
    await expect(apiFetch('/api/x', { method: 'POST', body: { a: 1 } })).resolves.toEqual({ ok: 1 });
    expect(calls[0]?.body).toEqual({ a: 1 });
  });
  it('turns 4xx bodies into ApiRequestError with the message and parameter', async () => {
    mockApi({
      'GET /api/x': {
        status: 400,
        body: { error: 'bad_request', message: 'from must be a date', parameter: 'from' },
      },
    });
    const err = await apiFetch('/api/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({ status: 400, message: 'from must be a date', parameter: 'from' });
    expect(isRetryable(err)).toBe(false);
  });
  it('reads Retry-After on 429', async () => {
    mockApi({
      'POST /api/x': {
        status: 429,
        body: { error: 'rate_limited', message: 'slow down' },
        headers: { 'Retry-After': '42' },
      },
    });
    await expect(apiFetch('/api/x', { method: 'POST' })).rejects.toMatchObject({
      status: 429,
      retryAfterS: 42,
    });
  });
  it('returns nothing for 204 and explains network failures', async () => {
    mockApi({ 'POST /api/x': { status: 204 } });
    await expect(apiFetch('/api/x', { method: 'POST' })).resolves.toBeUndefined();
    const { vi } = await import('vitest');
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const err = await apiFetch('/api/x').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0 });
    expect(isRetryable(err)).toBe(true);
  });
});

describe('toQueryString', () => {
  it('skips empty values and encodes the rest', () => {
    expect(toQueryString({ from: '2026-03-01', tz: 'America/New_York', page: 2, x: undefined, y: '' })).toBe(
      '?from=2026-03-01&tz=America%2FNew_York&page=2',
    );
    expect(toQueryString({})).toBe('');
  });
});
