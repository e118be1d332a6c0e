import type { MouseHandlerDataParam } from 'recharts/types/synchronisation/types';

/** The data point under a click on a chart (the one its tooltip shows), if any. */
export function pointAt<T>(points: readonly T[], state: MouseHandlerDataParam): T | undefined {
  const raw = state.activeTooltipIndex ?? state.activeIndex;
  const index = typeof raw === 'number' ? raw : Number(raw);
  return Number.isInteger(index) ? points[index] : undefined;
}
