import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drainBody } from './drain';

describe('drainBody', () => {
  it('reads a body to its end and keeps nothing', async () => {
    const stream = new PassThrough();
    const drained = drainBody(stream, { maxBytes: 1024, maxMs: 1000 });
    stream.write(Buffer.alloc(500));
    stream.end(Buffer.alloc(500));
    expect(await drained).toBe('ended');
  });

  it('stops after maxBytes', async () => {
    const stream = new PassThrough();
    const drained = drainBody(stream, { maxBytes: 1024, maxMs: 1000 });
    stream.write(Buffer.alloc(2048));
    expect(await drained).toBe('bytes');
    expect(stream.isPaused()).toBe(true);
  });

  it('stops after maxMs when the sender stalls', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.alloc(10));
    expect(await drainBody(stream, { maxBytes: 1024, maxMs: 50 })).toBe('time');
  });
});
