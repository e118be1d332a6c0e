import type { TopUser } from '@botpulse/protocol';
import { useDeleteUser } from '../api/deleteUser';
import { describeError } from '../components/ErrorState';
import { Modal } from '../components/Modal';
import { useMetrics } from '../metrics/MetricsContext';
import { formatNumber } from '../transforms/format';

/** Data-protection deletion: irreversible, so it says exactly what goes and asks first. */
export function DeleteUserDialog({ user, onClose }: { user: TopUser; onClose: () => void }) {
  const remove = useDeleteUser();
  const { removeUser } = useMetrics();
  const who = user.name ?? 'this user';

  if (remove.isSuccess) {
    return (
      <Modal title="User data deleted" onClose={onClose}>
        <p>
          Deleted {who} ({user.user_id}) and {formatNumber(remove.data.deleted_messages)} stored messages.
        </p>
        <div className="modal-footer-inline">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Delete this user's data?" onClose={onClose}>
      <p>
        This permanently deletes <strong>{who}</strong> (<span className="mono">{user.user_id}</span>) and all
        of their stored messages and replies ({formatNumber(user.messages)} in the selected range). Counts and
        charts are recalculated without them. This cannot be undone.
      </p>
      {remove.isError ? (
        <p className="form-error" role="alert">
          {describeError(remove.error)}
        </p>
      ) : null}
      <div className="modal-footer-inline">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(user.user_id, { onSuccess: () => removeUser(user.user_id) })}
        >
          {remove.isPending ? 'Deleting…' : 'Delete permanently'}
        </button>
      </div>
    </Modal>
  );
}
