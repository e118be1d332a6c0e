import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two secrets of any length. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'botpulse-compare').update(a).digest();
  const hb = createHmac('sha256', 'botpulse-compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}
