/** Placeholders have the exact height of what replaces them, so nothing jumps when data lands. */
export function Skeleton({
  height,
  width = '100%',
  label,
}: {
  height: number;
  width?: number | string;
  label?: string;
}) {
  return (
    <div
      className="skeleton"
      style={{ height, width }}
      role="status"
      aria-busy="true"
      aria-label={label ?? 'Loading'}
    />
  );
}
