import type { ErrorEvent } from '@botpulse/protocol';
import { formatClock } from '../transforms/format';

const STAGE_WORDS: Record<ErrorEvent['stage'], string> = {
  profile: 'fetching the user profile',
  generate: 'generating the reply',
  send: 'sending the reply',
  store: 'storing the conversation',
};

export function RecentErrors({ errors }: { errors: readonly ErrorEvent[] }) {
  if (errors.length === 0) return <p className="muted">No errors since this page was opened.</p>;
  return (
    <ul className="error-list">
      {errors.map((e, i) => (
        <li key={`${e.at}-${e.mid ?? i}`}>
          <time dateTime={e.at}>{formatClock(e.at)}</time>{' '}
          <span>
            {e.instance_id}: failed while {STAGE_WORDS[e.stage]} ({e.dependency}
            {e.code !== undefined ? ` ${e.code}` : ''}): {e.message}
          </span>
        </li>
      ))}
    </ul>
  );
}
