import type { TopUser } from '@botpulse/protocol';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Link } from 'react-router-dom';
import { transcriptPath } from '../conversations/links';
import { formatAgo, formatDateTime, formatNumber } from '../transforms/format';

const ROW_HEIGHT = 52;
/** Up to this many rows render plainly; beyond it only the visible ones are in the DOM. */
export const VIRTUALIZE_AFTER = 30;
const VIEWPORT_HEIGHT = 480;

export interface UsersTableProps {
  users: readonly TopUser[];
  /** rank of the first row (page offset) */
  firstRank: number;
  onDelete?: (user: TopUser) => void;
  /** where a user's message count leads (the explorer on exactly those rows) */
  messagesLink?: (user: TopUser) => string;
}

function UserRow({
  user,
  rank,
  onDelete,
  messagesLink,
}: {
  user: TopUser;
  rank: number;
  onDelete?: (user: TopUser) => void;
  messagesLink?: (user: TopUser) => string;
}) {
  return (
    <tr className="users-row">
      <td className="users-rank">{rank}</td>
      <td className="users-who">
        <Link className="users-name" to={transcriptPath(user.user_id)}>
          {user.name ?? 'Unknown user'}
        </Link>
        <span className="users-id mono">{user.user_id}</span>
      </td>
      <td className="users-num">
        {messagesLink ? (
          <Link to={messagesLink(user)} title="Read these messages">
            {formatNumber(user.messages)}
          </Link>
        ) : (
          formatNumber(user.messages)
        )}
      </td>
      <td className="users-seen" title={formatDateTime(user.last_seen)}>
        {formatAgo(user.last_seen)}
      </td>
      <td className="users-actions">
        {onDelete ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm btn-danger-text"
            onClick={() => onDelete(user)}
          >
            {/* The visible words start the accessible name (WCAG 2.5.3, label in name). */}
            Delete all data <span className="visually-hidden">of {user.name ?? user.user_id}</span>
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/**
 * A real table (headers, screen readers) that stays light when long: past VIRTUALIZE_AFTER rows
 * only the visible ones render, between two spacer rows that keep the scroll height right.
 */
export function UsersTable({ users, firstRank, onDelete, messagesLink }: UsersTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = users.length > VIRTUALIZE_AFTER;
  const virtualizer = useVirtualizer({
    count: virtual ? users.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 800, height: VIEWPORT_HEIGHT },
  });
  const items = virtualizer.getVirtualItems();
  const top = virtual && items.length ? (items[0]?.start ?? 0) : 0;
  const bottom =
    virtual && items.length ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const visible = virtual ? items.map((item) => item.index) : users.map((_, i) => i);

  return (
    <div ref={scrollRef} className="users-viewport" style={virtual ? { height: VIEWPORT_HEIGHT } : undefined}>
      <table className="table users-table">
        <thead>
          <tr>
            <th scope="col" className="users-rank">
              #
            </th>
            <th scope="col">User (name and id)</th>
            <th scope="col" className="users-num">
              Messages
            </th>
            <th scope="col" className="users-seen">
              Last seen
            </th>
            <th scope="col" className="users-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {top > 0 ? <tr className="users-spacer" style={{ height: top }} /> : null}
          {visible.map((index) => {
            const user = users[index]!;
            return (
              <UserRow
                key={user.user_id}
                user={user}
                rank={firstRank + index}
                onDelete={onDelete}
                messagesLink={messagesLink}
              />
            );
          })}
          {bottom > 0 ? <tr className="users-spacer" style={{ height: bottom }} /> : null}
        </tbody>
      </table>
    </div>
  );
}
