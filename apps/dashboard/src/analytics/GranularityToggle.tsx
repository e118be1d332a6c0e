import type { Granularity } from '@botpulse/protocol';

const LABELS: Record<Granularity, string> = {
  hour: 'Hourly',
  day: 'Daily',
  week: 'Weekly',
  month: 'Monthly',
};

export function GranularityToggle({
  value,
  options,
  onChange,
}: {
  value: Granularity;
  options: readonly Granularity[];
  onChange: (g: Granularity) => void;
}) {
  return (
    <fieldset className="segmented segmented-sm">
      <legend className="visually-hidden">Granularity</legend>
      {options.map((g) => (
        <button
          key={g}
          type="button"
          className={`segmented-item${g === value ? ' segmented-item-active' : ''}`}
          aria-pressed={g === value}
          onClick={() => onChange(g)}
        >
          {LABELS[g]}
        </button>
      ))}
    </fieldset>
  );
}
