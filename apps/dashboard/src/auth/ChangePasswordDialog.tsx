import { type FormEvent, useId, useState } from 'react';
import { useChangePassword } from '../api/changePassword';
import { describeError } from '../components/ErrorState';
import { Modal } from '../components/Modal';

const MIN_LENGTH = 12; // the server's rule (protocol changePasswordSchema); checked here to answer sooner

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const newId = useId();
  const hintId = useId();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (next.length < MIN_LENGTH)
      return setLocalError(`The new password needs at least ${MIN_LENGTH} characters.`);
    if (next !== confirm) return setLocalError('The two new passwords are not the same.');
    setLocalError(null);
    change.mutate({ current_password: current, new_password: next });
  };

  if (change.isSuccess) {
    return (
      <Modal title="Password changed" onClose={onClose}>
        <p>Your new password is active. Use it the next time you sign in.</p>
        <div className="modal-footer-inline">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Modal>
    );
  }

  const error = localError ?? (change.isError ? describeError(change.error) : null);
  return (
    <Modal title="Change password" onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <label className="field">
          <span className="field-label">Current password</span>
          <input
            className="input"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <div className="field">
          <label className="field-label" htmlFor={newId}>
            New password
          </label>
          <input
            id={newId}
            className="input"
            type="password"
            autoComplete="new-password"
            aria-describedby={hintId}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
          <span className="field-hint" id={hintId}>
            At least {MIN_LENGTH} characters.
          </span>
        </div>
        <label className="field">
          <span className="field-label">Repeat new password</span>
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="modal-footer-inline">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={change.isPending || !current || !next}>
            {change.isPending ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
