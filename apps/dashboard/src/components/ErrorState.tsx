import { ApiRequestError } from '../api/client';

export interface ErrorStateProps {
  title?: string;
  message?: string;
  error?: unknown;
  onRetry?: () => void;
  compact?: boolean;
}

/** Turns whatever failed into a sentence a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.status === 0) return error.message;
    if (error.status >= 500) return `The server had a problem (${error.status}). ${error.message}`;
    return error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

export function ErrorState({
  title = 'Could not load this',
  message,
  error,
  onRetry,
  compact,
}: ErrorStateProps) {
  return (
    <div className={`state state-error${compact ? ' state-compact' : ''}`} role="alert">
      <p className="state-title">{title}</p>
      <p className="state-text">{message ?? describeError(error)}</p>
      {onRetry ? (
        <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
