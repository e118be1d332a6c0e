import { EmptyState } from '../components/EmptyState';

/** The first thing a new install shows: how to get data in, not just "nothing here". */
export function FeedEmptyState() {
  return (
    <EmptyState title="No messages yet" icon="💬">
      <p>Messages appear here the moment a user writes to your bot. To get traffic:</p>
      <ul className="checklist">
        <li>
          <strong>Connect a real page:</strong> set <code>FB_PAGE_ACCESS_TOKEN</code>,{' '}
          <code>FB_APP_SECRET</code> and <code>FB_VERIFY_TOKEN</code>, then point the Messenger webhook at the
          bot's <code>/webhook</code> (see docs/deploy.md).
        </li>
        <li>
          <strong>Or watch a demo:</strong> start everything with <code>DEMO=1 npm start</code> and simulated
          users will begin chatting.
        </li>
      </ul>
    </EmptyState>
  );
}
