import type { AlertRuleView } from '@botpulse/protocol';
import { useAddSilence, useUpdateRule } from '../api/alerts';
import { Card } from '../components/Card';
import { describeError } from '../components/ErrorState';
import { ruleSettingsText, ruleValueText } from '../transforms/alerts';
import { formatAgo, formatDateTime } from '../transforms/format';
import { AlertStateBadge } from './AlertStateBadge';

/** The seven rules with their live state; each can be switched off or silenced for an hour. */
export function RulesCard({ rules, now }: { rules: AlertRuleView[]; now: number }) {
  const update = useUpdateRule();
  const silence = useAddSilence();
  const error = update.error ?? silence.error;
  return (
    <Card
      title="Rules"
      subtitle="Evaluated by the admin; a rule fires when its condition holds for its pending time"
    >
      {error ? (
        <p className="form-error" role="alert">
          {describeError(error)}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="table alert-rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">State</th>
              <th scope="col">Value</th>
              <th scope="col">Settings</th>
              <th scope="col">On</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr
                key={rule.alertname}
                data-testid="alert-rule"
                data-alertname={rule.alertname}
                data-state={rule.state}
                className={rule.enabled ? undefined : 'row-muted'}
              >
                <th scope="row">
                  <span className="alert-name">{rule.alertname}</span>
                  <span className="cell-note">{rule.summary ?? rule.description}</span>
                </th>
                <td>
                  <AlertStateBadge state={rule.state} />
                  <span className="cell-note" title={formatDateTime(rule.since)}>
                    since {formatAgo(rule.since, now)}
                  </span>
                </td>
                <td>{ruleValueText(rule)}</td>
                <td>
                  {ruleSettingsText(rule)}
                  {rule.silenced_until ? (
                    <span className="cell-note">silenced until {formatDateTime(rule.silenced_until)}</span>
                  ) : null}
                </td>
                <td>
                  <input
                    type="checkbox"
                    checked={rule.enabled}
                    aria-label={`${rule.alertname} enabled`}
                    onChange={(e) =>
                      update.mutate({ alertname: rule.alertname, update: { enabled: e.target.checked } })
                    }
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    disabled={silence.isPending}
                    onClick={() =>
                      silence.mutate({
                        alertname: rule.alertname,
                        until: new Date(Date.now() + 3_600_000).toISOString(),
                      })
                    }
                  >
                    Silence 1 h
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
