import type { HeatmapCell } from '@botpulse/protocol';
import {
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
  type SyntheticEvent,
  useMemo,
  useState,
} from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { formatNumber } from '../transforms/format';
import { DAY_NAMES, heatmapGrid, heatmapIntensity, hourLabel } from '../transforms/heatmap';

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

function cellText(dow: number, hour: number, messages: number): string {
  return `${DAY_NAMES[dow]} ${hourLabel(hour)}–${hourLabel((hour + 1) % 24)}: ${formatNumber(messages)} message${messages === 1 ? '' : 's'}`;
}

/** Day of week × hour of day in the viewer's zone, Monday first. */
export function Heatmap({
  cells,
  cellLink,
}: {
  cells: readonly HeatmapCell[];
  /** where a cell leads (the explorer on exactly its rows); cells are plain without it */
  cellLink?: (dow: number, hour: number) => string;
}) {
  const navigate = useNavigate();
  const grid = useMemo(() => heatmapGrid(cells), [cells]);
  const [hover, setHover] = useState<{ dow: number; hour: number } | null>(null);

  // One delegated handler instead of 168: the cell says where it is in data attributes.
  const onPointer = (e: SyntheticEvent<HTMLTableElement>) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('td[data-dow]');
    if (!cell) return setHover(null);
    setHover({ dow: Number(cell.dataset.dow), hour: Number(cell.dataset.hour) });
  };

  // One delegated click, like the hover: a cell opens the conversations behind its count.
  // (Keyboard users have the "Read these messages" link under the grid: cells are no tab stops.)
  const onClick = (e: MouseEvent<HTMLTableElement> | KeyboardEvent<HTMLTableElement>) => {
    if ('key' in e && e.key !== 'Enter') return;
    const cell = (e.target as HTMLElement).closest<HTMLElement>('td[data-dow]');
    if (!cell || !cellLink) return;
    navigate(cellLink(Number(cell.dataset.dow), Number(cell.dataset.hour)));
  };
  const shown = hover ?? grid.peak;

  const readout = hover
    ? cellText(hover.dow, hover.hour, grid.rows[hover.dow]?.[hover.hour] ?? 0)
    : grid.peak
      ? `Busiest: ${cellText(grid.peak.dow, grid.peak.hour, grid.peak.messages)}`
      : 'No messages in this range.';

  return (
    <div className="heatmap-wrap">
      <table
        className={`heatmap${cellLink ? ' heatmap-clickable' : ''}`}
        onClick={onClick}
        onKeyDown={onClick}
        onMouseOver={onPointer}
        onFocus={onPointer}
        onMouseLeave={() => setHover(null)}
      >
        <caption className="visually-hidden">Messages by day of week and hour of day</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Day</span>
            </th>
            {HOURS.map((hour) => (
              <th key={hour} scope="col" className="heatmap-hour">
                {/* Every third hour is printed; the others are named for screen readers only. */}
                {hour % 3 === 0 ? <span aria-hidden="true">{hour}</span> : null}
                <span className="visually-hidden">{hourLabel(hour)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row, dow) => (
            <tr key={DAY_NAMES[dow]}>
              <th scope="row" className="heatmap-daylabel">
                {DAY_NAMES[dow]!.slice(0, 3)}
              </th>
              {HOURS.map((hour) => {
                const messages = row[hour] ?? 0;
                return (
                  <td
                    key={hour}
                    className="heatmap-cell"
                    style={{ '--intensity': heatmapIntensity(messages, grid.max) } as CSSProperties}
                    aria-label={cellText(dow, hour, messages)}
                    title={cellText(dow, hour, messages)}
                    data-dow={dow}
                    data-hour={hour}
                    data-count={messages}
                  />
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="heatmap-footer">
        <p className="heatmap-readout" aria-live="polite">
          {readout}
          {cellLink && shown && (grid.rows[shown.dow]?.[shown.hour] ?? 0) > 0 ? (
            <>
              {' '}
              <Link to={cellLink(shown.dow, shown.hour)} className="heatmap-open">
                Read these messages
              </Link>
            </>
          ) : null}
        </p>
        <div className="heatmap-scale" aria-hidden="true">
          <span>0</span>
          <span className="heatmap-scale-bar" />
          <span>{formatNumber(grid.max)}</span>
        </div>
      </div>
    </div>
  );
}
