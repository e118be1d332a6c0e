/** A fault to inject: `kind` is what goes wrong, `count` limits it to the next N matching requests. */
export interface FaultSpec<Kind extends string, Scope extends string> {
  kind: Kind;
  /** only the next N matching requests; unset = until cleared with `setFault(null)` */
  count?: number;
  /** which endpoints it hits; 'all' (the default) also covers health-check endpoints */
  paths?: Scope | 'all';
}

/**
 * The one switch behind each fake's `setFault`. Reliability tests flip it between requests, so
 * `take` decides per request, and a counted fault clears itself after its last use.
 */
export class FaultSwitch<Kind extends string, Scope extends string> {
  private current: { kind: Kind; remaining: number | undefined; paths: Scope | 'all' } | null = null;

  constructor(private readonly kinds: readonly Kind[]) {}

  set(fault: FaultSpec<Kind, Scope> | null): void {
    if (fault === null) {
      this.current = null;
      return;
    }
    if (!this.kinds.includes(fault.kind)) {
      throw new RangeError(`unknown fault kind "${fault.kind}"; expected one of ${this.kinds.join(', ')}`);
    }
    if (fault.count !== undefined && !(Number.isInteger(fault.count) && fault.count > 0)) {
      throw new RangeError(`fault count must be a whole number > 0, got ${fault.count}`);
    }
    this.current = { kind: fault.kind, remaining: fault.count, paths: fault.paths ?? 'all' };
  }

  /** The fault for a request to `scope` (`other`: only 'all' matches), using up one of its count. */
  take(scope: Scope | 'other'): Kind | null {
    const fault = this.current;
    if (!fault) return null;
    if (fault.paths !== 'all' && fault.paths !== scope) return null;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.current = null;
    }
    return fault.kind;
  }
}
