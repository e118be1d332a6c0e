import { useId } from 'react';
import { type DateRange, describeRange, localIsoDate, PRESETS, presetRange } from '../transforms/dateRange';

export function DateRangePicker({
  range,
  onChange,
}: {
  range: DateRange;
  onChange: (range: DateRange) => void;
}) {
  const fromId = useId();
  const toId = useId();
  const today = localIsoDate(new Date());
  const setCustom = (from: string, to: string) => {
    if (!from || !to) return;
    onChange({ preset: 'custom', ...(from <= to ? { from, to } : { from: to, to: from }) });
  };

  return (
    <div className="range-picker">
      <fieldset className="segmented">
        <legend className="visually-hidden">Date range</legend>
        {PRESETS.map((preset) => (
          <button
            key={preset.id}
            type="button"
            className={`segmented-item${range.preset === preset.id ? ' segmented-item-active' : ''}`}
            aria-pressed={range.preset === preset.id}
            onClick={() => onChange(presetRange(preset.id))}
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          className={`segmented-item${range.preset === 'custom' ? ' segmented-item-active' : ''}`}
          aria-pressed={range.preset === 'custom'}
          onClick={() => onChange({ ...range, preset: 'custom' })}
        >
          Custom
        </button>
      </fieldset>
      <div className="range-custom">
        <label htmlFor={fromId} className="visually-hidden">
          From
        </label>
        <input
          id={fromId}
          type="date"
          className="input input-date"
          value={range.from}
          max={today}
          onChange={(e) => setCustom(e.target.value, range.to)}
          aria-label="From date"
        />
        <span aria-hidden="true">–</span>
        <label htmlFor={toId} className="visually-hidden">
          To
        </label>
        <input
          id={toId}
          type="date"
          className="input input-date"
          value={range.to}
          max={today}
          onChange={(e) => setCustom(range.from, e.target.value)}
          aria-label="To date"
        />
      </div>
      <p className="range-description muted small">{describeRange(range)}, your time zone</p>
    </div>
  );
}
