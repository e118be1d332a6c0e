export interface SparklineGeometry {
  /** SVG path for the line */
  line: string;
  /** closed SVG path for the filled area under the line */
  area: string;
  /** the last point, to mark "now" */
  last: { x: number; y: number } | null;
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
): SparklineGeometry {
  const clean = values.map((v) => (Number.isFinite(v) ? Math.max(0, v) : 0));
  if (clean.length === 0) return { line: '', area: '', last: null };
  const max = Math.max(...clean, 0);
  const innerW = width - pad * 2;
  const innerH = height - pad * 2;
  const stepX = clean.length > 1 ? innerW / (clean.length - 1) : 0;
  const points = clean.map((v, i) => ({
    x: round(pad + (clean.length > 1 ? i * stepX : innerW / 2)),
    y: round(pad + innerH - (max > 0 ? (v / max) * innerH : 0)),
  }));
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const baseY = round(pad + innerH);
  const area = `${line} L${last.x},${baseY} L${first.x},${baseY} Z`;
  return { line, area, last };
}
