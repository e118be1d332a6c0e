import { describe, expect, it } from 'vitest';
import { nameForPsid } from './names';

describe('nameForPsid', () => {
  it('gives the same realistic name for the same PSID', () => {
    const a = nameForPsid('6512340000000001');
    expect(a).toEqual(nameForPsid('6512340000000001'));
    expect(a.firstName).toMatch(/^\p{Lu}/u);
    const names = new Set(
      Array.from({ length: 500 }, (_, i) => JSON.stringify(nameForPsid(String(1e15 + i)))),
    );
    expect(names.size).toBeGreaterThan(300);
  });
});
