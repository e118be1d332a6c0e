import type { HeatmapCell } from '@botpulse/protocol';

/** Monday first, matching the API's `dow` (0 = Monday … 6 = Sunday) and ISO weeks. */
export const DAY_NAMES = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

export interface HeatmapGrid {
  /** rows[dow][hour] = messages */
  rows: number[][];
  /** largest cell, the top of the colour scale (0 when empty) */
  max: number;
  total: number;
  peak: { dow: number; hour: number; messages: number } | null;
}

export function heatmapGrid(cells: readonly HeatmapCell[]): HeatmapGrid {
  const rows = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let max = 0;
  let total = 0;
  let peak: HeatmapGrid['peak'] = null;
  for (const cell of cells) {
    // Out-of-range cells would index past the grid; ignore them rather than crash the page.
    if (cell.dow < 0 || cell.dow > 6 || cell.hour < 0 || cell.hour > 23) continue;
    const row = rows[cell.dow]!;
    row[cell.hour] = (row[cell.hour] ?? 0) + cell.messages;
    total += cell.messages;
  }
  rows.forEach((row, dow) => {
    row.forEach((messages, hour) => {
      if (messages > max) {
        max = messages;
        peak = { dow, hour, messages };
      }
    });
  });
  return { rows, max, total, peak };
}

/**
 * 0..1 colour intensity. Square-root scaling keeps quiet hours visible next to one busy peak;
 * any non-zero cell gets at least a faint tint so "some" never looks like "none".
 */
export function heatmapIntensity(messages: number, max: number): number {
  if (messages <= 0 || max <= 0) return 0;
  return Math.max(0.08, Math.sqrt(messages / max));
}

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}
