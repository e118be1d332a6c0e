/**
 * 64-bit hash of a string: cyrb53's two Math.imul lanes in one pass, keeping both 32-bit halves
 * whole (cyrb53 drops 11 bits of one). Two UTF-16 units are mixed per step (packed into 32 bits,
 * a one-to-one packing), which halves the multiply chain that bounds the loop: a 16-digit PSID
 * takes 8 steps, not 16. The length seeds a lane so that an odd tail cannot collide with the
 * same text plus a NUL. Written into `out` ([high, low]) so that hashing allocates nothing.
 */
export function hashUserId(text: string, out: Uint32Array): void {
  const length = text.length;
  let h1 = 0xdeadbeef ^ length;
  let h2 = 0x41c6ce57;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const pair = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    h1 = Math.imul(h1 ^ pair, 2654435761);
    h2 = Math.imul(h2 ^ pair, 1597334677);
  }
  if (i < length) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h2;
  out[1] = h1;
}
