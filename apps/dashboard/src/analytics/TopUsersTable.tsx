import type { TopUser } from '@botpulse/protocol';
import { useState } from 'react';
import type { RangeQuery } from '../api/range';
import { useUsers } from '../api/users';
import { Card } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { explorerPath } from '../conversations/links';
import { DeleteUserDialog } from '../users/DeleteUserDialog';
import { Pagination } from '../users/Pagination';
import { UsersTable } from '../users/UsersTable';
import { PAGE_SIZES } from './useAnalyticsParams';

export interface TopUsersTableProps {
  query: RangeQuery;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}

export function TopUsersTable({ query, page, pageSize, onPage, onPageSize }: TopUsersTableProps) {
  const users = useUsers(query, page, pageSize);
  const [deleting, setDeleting] = useState<TopUser | null>(null);
  const data = users.data;

  return (
    <Card
      title="Top users"
      subtitle="Most messages in the selected range"
      testId="top-users"
      actions={
        <label className="inline-field small">
          Rows
          <select
            className="input input-sm"
            value={pageSize}
            onChange={(e) => onPageSize(Number(e.target.value))}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {data ? (
        data.top.length ? (
          <div className={users.isPlaceholderData ? 'is-stale' : undefined}>
            <UsersTable
              users={data.top}
              firstRank={(page - 1) * pageSize + 1}
              onDelete={setDeleting}
              messagesLink={(u) => explorerPath({ ...query, user_id: u.user_id })}
            />
            <Pagination
              page={page}
              pageSize={pageSize}
              total={data.total}
              onPage={onPage}
              busy={users.isPlaceholderData}
            />
          </div>
        ) : (
          <EmptyState title="No users in this range">
            Pick a longer range, or wait for the first conversations.
          </EmptyState>
        )
      ) : users.isError ? (
        <ErrorState
          title="Cannot load the top users"
          error={users.error}
          onRetry={() => void users.refetch()}
        />
      ) : (
        <Skeleton height={320} label="Loading top users" />
      )}
      {deleting ? <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} /> : null}
    </Card>
  );
}
