import { Link } from 'react-router-dom';
import type { RangeQuery } from '../api/range';
import { useUsers } from '../api/users';
import { Card } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { transcriptPath } from '../conversations/links';
import { formatNumber } from '../transforms/format';
import { formatUsd } from '../transforms/genAi';

const ROWS = 10;

/** The users whose conversations cost the most in the range (`/api/analytics/users?sort=cost`). */
export function TopUsersByCostCard({ query }: { query: RangeQuery }) {
  const users = useUsers(query, 1, ROWS, { sort: 'cost' });
  const data = users.data;
  const rows = data?.top.filter((u) => u.cost_usd > 0) ?? [];

  return (
    <Card
      title="Top users by Gemini cost"
      subtitle={`The ${ROWS} costliest in the range`}
      testId="top-users-cost"
    >
      {data ? (
        rows.length ? (
          <div className={`table-scroll${users.isPlaceholderData ? ' is-stale' : ''}`}>
            <table className="table users-table cost-table">
              <thead>
                <tr>
                  <th scope="col" className="users-rank">
                    #
                  </th>
                  <th scope="col">User</th>
                  <th scope="col" className="users-num">
                    Cost
                  </th>
                  <th scope="col" className="users-num cost-messages">
                    Messages
                  </th>
                  <th scope="col" className="users-num cost-per-message">
                    <abbr title="Cost per message">Per msg</abbr>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((u, i) => (
                  <tr key={u.user_id} className="users-row">
                    <td className="users-rank">{i + 1}</td>
                    <td className="users-who">
                      <Link className="users-name" to={transcriptPath(u.user_id)}>
                        {u.name ?? 'Unknown user'}
                      </Link>
                      <span className="users-id mono">{u.user_id}</span>
                    </td>
                    <td className="users-num" data-testid="user-cost">
                      {formatUsd(u.cost_usd)}
                    </td>
                    <td className="users-num cost-messages">{formatNumber(u.messages)}</td>
                    <td className="users-num cost-per-message">
                      {u.messages ? formatUsd(u.cost_usd / u.messages) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No Gemini cost in this range">
            No user's replies came from a priced Gemini model (the rule responder answered, or no one wrote).
          </EmptyState>
        )
      ) : users.isError ? (
        <ErrorState
          title="Cannot load the costliest users"
          error={users.error}
          onRetry={() => void users.refetch()}
        />
      ) : (
        <Skeleton height={280} label="Loading the costliest users" />
      )}
    </Card>
  );
}
