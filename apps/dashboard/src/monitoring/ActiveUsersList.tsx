import type { TopUser } from '@botpulse/protocol';
import { useState } from 'react';
import { browserTimeZone } from '../api/range';
import { useUsers } from '../api/users';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { Modal } from '../components/Modal';
import { Skeleton } from '../components/Skeleton';
import { DeleteUserDialog } from '../users/DeleteUserDialog';
import { Pagination } from '../users/Pagination';
import { UsersTable } from '../users/UsersTable';

const PAGE_SIZE = 50;

/** "Click for user list with names and IDs" (plan 3.1.3): everyone who wrote today. */
export function ActiveUsersList({ today, onClose }: { today: string; onClose: () => void }) {
  const [page, setPage] = useState(1);
  const [deleting, setDeleting] = useState<TopUser | null>(null);
  const users = useUsers({ from: today, to: today, tz: browserTimeZone() }, page, PAGE_SIZE);

  if (deleting) return <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} />;

  return (
    <Modal title="Today's active users" onClose={onClose} wide>
      {users.data ? (
        users.data.top.length ? (
          <>
            <UsersTable
              users={users.data.top}
              firstRank={(page - 1) * PAGE_SIZE + 1}
              onDelete={setDeleting}
            />
            <Pagination
              page={page}
              pageSize={PAGE_SIZE}
              total={users.data.total}
              onPage={setPage}
              busy={users.isPlaceholderData}
            />
          </>
        ) : (
          <EmptyState title="Nobody has written to the bot today yet" />
        )
      ) : users.isError ? (
        <ErrorState
          title="Cannot load today's users"
          error={users.error}
          onRetry={() => void users.refetch()}
        />
      ) : (
        <Skeleton height={320} label="Loading users" />
      )}
    </Modal>
  );
}
