export interface SparklineGeometry {
  /** SVG path for the line */
  line: string;
  /** closed SVG path for the filled area under the line */
  area: string;
  /** SVG path for the stretch still filling (dashed), from the last complete point on; '' if none */
  soFar: string;
  /** the last point, to mark "now" */
  last: { x: number; y: number } | null;
  /** whether the last point is a bucket still filling (drawn open) */
  lastPartial: boolean;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Sparklines are drawn as plain SVG so the first screen does not need the chart library. The
 * scale starts at 0 (not the minimum) so a flat busy series does not look like wild swings.
 */
export function sparklineGeometry(
  values: readonly number[],
  width: number,
  height: number,
  pad = 2,
  /** how many leading values are complete buckets; the rest are "so far" */
  complete: number = values.length,
): SparklineGeometry {
  const clean = values.map((v) => (Number.isFinite(v) ? Math.max(0, v) : 0));
  if (clean.length === 0) return { line: '', area: '', soFar: '', last: null, lastPartial: false };
  const max = Math.max(...clean, 0);
  const innerW = width - pad * 2;
  const innerH = height - pad * 2;
  const stepX = clean.length > 1 ? innerW / (clean.length - 1) : 0;
  const points = clean.map((v, i) => ({
    x: round(pad + (clean.length > 1 ? i * stepX : innerW / 2)),
    y: round(pad + innerH - (max > 0 ? (v / max) * innerH : 0)),
  }));
  const path = (list: typeof points) => list.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const whole = Math.max(0, Math.min(complete, points.length));
  const solid = points.slice(0, whole);
  const line = path(solid);
  const soFar = whole < points.length ? path(points.slice(Math.max(0, whole - 1))) : '';
  const baseY = round(pad + innerH);
  const area = solid.length
    ? `${line} L${solid[solid.length - 1]!.x},${baseY} L${solid[0]!.x},${baseY} Z`
    : '';
  return { line, area, soFar, last: points[points.length - 1]!, lastPartial: whole < points.length };
}
