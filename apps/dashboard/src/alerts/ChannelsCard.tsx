import type { AlertChannelType, AlertChannelView } from '@botpulse/protocol';
import { type FormEvent, useState } from 'react';
import { useAddChannel, useDeleteChannel, useTestChannel } from '../api/alerts';
import { Card } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { describeError } from '../components/ErrorState';
import { formatAgo } from '../transforms/format';

const TYPES: Array<{ type: AlertChannelType; label: string }> = [
  { type: 'slack', label: 'Slack' },
  { type: 'discord', label: 'Discord' },
  { type: 'teams', label: 'Microsoft Teams' },
  { type: 'webhook', label: 'Webhook (Alertmanager format)' },
  { type: 'email', label: 'E-mail' },
];

function ChannelRow({ channel, now }: { channel: AlertChannelView; now: number }) {
  const test = useTestChannel();
  const remove = useDeleteChannel();
  const result = test.data
    ? test.data.ok
      ? 'Test sent'
      : `Test failed: ${test.data.error}`
    : test.error
      ? describeError(test.error)
      : null;
  return (
    <li className="channel" data-testid="alert-channel" data-type={channel.type}>
      <div className="channel-main">
        <span className="channel-name">{channel.name}</span>
        <span className="cell-note channel-target">{channel.target}</span>
        <span className="cell-note">
          {channel.last_delivery_at
            ? `Last delivery ${formatAgo(channel.last_delivery_at, now)}`
            : 'Nothing delivered yet'}
          {channel.pending > 0 ? ` · ${channel.pending} waiting to be retried` : ''}
        </span>
        {channel.last_error ? (
          <span className="cell-note channel-error">
            Last error: {channel.last_error} ({formatAgo(channel.last_error_at, now)}, {channel.failures}{' '}
            failed attempts)
          </span>
        ) : null}
        {result ? (
          <span className="cell-note" role="status" data-testid="channel-test-result">
            {result}
          </span>
        ) : null}
      </div>
      <div className="channel-actions">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => test.mutate(channel.id)}
          disabled={test.isPending}
        >
          {test.isPending ? 'Sending…' : 'Send test'}
        </button>
        {channel.source === 'api' ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => remove.mutate(channel.id)}
            disabled={remove.isPending}
          >
            Remove
          </button>
        ) : (
          <span className="cell-note">from the environment</span>
        )}
      </div>
    </li>
  );
}

function AddChannelForm() {
  const add = useAddChannel();
  const [type, setType] = useState<AlertChannelType>('slack');
  const [target, setTarget] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(type === 'email' ? { type, to: target } : { type, url: target }, {
      onSuccess: () => setTarget(''),
    });
  };
  return (
    <form className="channel-form" onSubmit={submit}>
      <label className="field">
        <span className="field-label">Kind</span>
        <select className="input" value={type} onChange={(e) => setType(e.target.value as AlertChannelType)}>
          {TYPES.map((t) => (
            <option key={t.type} value={t.type}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field channel-form-target">
        <span className="field-label">
          {type === 'email' ? 'To (addresses, comma-separated)' : 'Webhook URL'}
        </span>
        <input
          className="input"
          type={type === 'email' ? 'text' : 'url'}
          value={target}
          required
          onChange={(e) => setTarget(e.target.value)}
          placeholder={type === 'email' ? 'oncall@example.com' : 'https://hooks.slack.com/services/…'}
        />
      </label>
      <button type="submit" className="btn btn-primary" disabled={add.isPending}>
        Add channel
      </button>
      {add.error ? (
        <p className="form-error" role="alert">
          {describeError(add.error)}
        </p>
      ) : null}
    </form>
  );
}

/** Where notifications go: each channel with its last delivery and error, and a "Send test". */
export function ChannelsCard({ channels, now }: { channels: AlertChannelView[]; now: number }) {
  return (
    <Card title="Channels" subtitle="Where notifications go; failed deliveries are retried for 24 h">
      {channels.length === 0 ? (
        <EmptyState title="No channel yet: alerts are tracked here but nobody is told">
          Add a Slack, Discord, Teams, webhook or e-mail channel below, or set{' '}
          <code>ALERT_SLACK_WEBHOOK_URL</code> (or <code>ALERT_DISCORD_WEBHOOK_URL</code>,{' '}
          <code>ALERT_TEAMS_WEBHOOK_URL</code>, <code>ALERT_WEBHOOK_URL</code>, <code>ALERT_EMAIL_TO</code>{' '}
          with <code>SMTP_URL</code>) and restart the admin.
        </EmptyState>
      ) : (
        <ul className="channels">
          {channels.map((c) => (
            <ChannelRow key={c.id} channel={c} now={now} />
          ))}
        </ul>
      )}
      <AddChannelForm />
    </Card>
  );
}
