/**
 * An analytics answer without the moment it was computed: `as_of`, and `previous_until` (the same
 * elapsed part of the previous period, which follows `as_of`). Two answers over the same rows are
 * equal once these are gone.
 */
export function withoutClock<T>(body: T): Omit<T, 'as_of' | 'previous_until'> {
  const {
    as_of: _asOf,
    previous_until: _previousUntil,
    ...figures
  } = body as T & {
    as_of?: unknown;
    previous_until?: unknown;
  };
  return figures;
}
