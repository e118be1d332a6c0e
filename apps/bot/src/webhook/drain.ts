import type { Readable } from 'node:stream';

export interface DrainLimits {
  /** stop reading after this many bytes */
  maxBytes: number;
  /** stop reading after this long */
  maxMs: number;
}

/** Why draining stopped: the body ended, or a bound was reached first. */
export type DrainOutcome = 'ended' | 'bytes' | 'time' | 'error';

/**
 * Reads a request body to its end and throws the bytes away, within bounds. Answering before the
 * client has finished sending makes the server close a connection that still has data in flight,
 * and the client sees EPIPE or a reset instead of the answer: draining first lets it read the
 * 413. Nothing is kept, so memory stays flat whatever the size.
 */
export function drainBody(stream: Readable, limits: DrainLimits): Promise<DrainOutcome> {
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (outcome: DrainOutcome) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (outcome !== 'ended') stream.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) finish('bytes');
    };
    const onEnd = () => finish('ended');
    const onError = () => finish('error');
    const timer = setTimeout(() => finish('time'), limits.maxMs);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    if (stream.readableEnded) finish('ended');
    else stream.resume();
  });
}
