import { nameForPsid } from './names';
import { createRng } from './random';

export { nameForPsid } from './names';

export interface SimUser {
  /** page-scoped id: 16 digits, as Meta's PSIDs */
  psid: string;
  firstName: string;
  lastName: string;
  /** relative activity: a few regulars write far more than most people */
  weight: number;
}

/**
 * `count` users, the same for the same seed. Names come from `nameForPsid`, which is what the fake
 * Graph API serves, so the dashboard shows the names the simulator meant.
 */
export function createPopulation(count: number, seed: string): SimUser[] {
  const rng = createRng(`population:${seed}`);
  const seen = new Set<string>();
  const users: SimUser[] = [];
  while (users.length < count) {
    let psid = String(rng.int(1, 9));
    for (let i = 0; i < 15; i++) psid += String(rng.int(0, 9));
    if (seen.has(psid)) continue;
    seen.add(psid);
    // Pareto (alpha 1.5), capped: most users weigh about 1, a handful 10-20 times more.
    const weight = Math.min(20, (1 - rng.next()) ** (-1 / 1.5));
    users.push({ psid, ...nameForPsid(psid), weight });
  }
  return users;
}

/** Weighted choice by `weight` in O(log n), for picking who starts the next conversation. */
export class WeightedPicker<T extends { weight: number }> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(private readonly items: readonly T[]) {
    let sum = 0;
    for (const item of items) {
      sum += item.weight;
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  /** `u` uniform in [0, 1) */
  pick(u: number): T {
    const target = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}
