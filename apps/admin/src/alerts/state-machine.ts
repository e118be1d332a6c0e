import type { AlertState } from '@botpulse/protocol';
import type { Condition } from './rules';

export interface RuleState {
  state: AlertState;
  since: Date;
  active_since: Date | null;
  firing_since: Date | null;
  value: number | null;
  labels: Record<string, string>;
  summary: string | null;
  notified: boolean;
  last_notified_at: Date | null;
}

export interface Transition {
  from: AlertState;
  to: AlertState;
  /** on resolve: how long the condition held, seconds */
  duration_seconds: number | null;
}

export interface Step {
  next: RuleState;
  transitions: Transition[];
  /** what to send (nothing while silenced, or for a flap) */
  notify: 'firing' | 'resolved' | null;
}

export function initialState(now: Date): RuleState {
  return {
    state: 'normal',
    since: now,
    active_since: null,
    firing_since: null,
    value: null,
    labels: {},
    summary: null,
    notified: false,
    last_notified_at: null,
  };
}

/**
 * One evaluation of one rule: normal → pending → firing → resolved. A condition that clears while
 * pending sends nothing (a flap does not page); a firing alert is re-sent every `repeatSeconds`;
 * a silence mutes notifications, never the state. Pure: the evaluator stores what it returns.
 */
export function advance(
  prev: RuleState,
  c: Condition,
  opts: { now: Date; forSeconds: number; repeatSeconds: number; silenced: boolean },
): Step {
  const { now, forSeconds, repeatSeconds, silenced } = opts;
  const next: RuleState = {
    ...prev,
    value: c.value,
    summary: c.active ? c.summary : prev.summary,
    labels: c.active ? c.labels : prev.labels,
  };
  const transitions: Transition[] = [];
  let notify: Step['notify'] = null;
  const move = (to: AlertState, duration: number | null = null) => {
    transitions.push({ from: next.state, to, duration_seconds: duration });
    next.state = to;
    next.since = now;
  };

  if (c.active) {
    if (next.state === 'normal' || next.state === 'resolved') {
      move('pending');
      next.active_since = now;
      next.firing_since = null;
      next.notified = false;
      next.last_notified_at = null;
    }
    if (next.state === 'pending' && now.getTime() - next.active_since!.getTime() >= forSeconds * 1000) {
      move('firing');
      next.firing_since = now;
    }
    if (next.state === 'firing' && !silenced) {
      const due =
        !next.notified ||
        (next.last_notified_at !== null &&
          now.getTime() - next.last_notified_at.getTime() >= repeatSeconds * 1000);
      if (due) {
        notify = 'firing';
        next.notified = true;
        next.last_notified_at = now;
      }
    }
  } else if (next.state === 'pending') {
    move('normal');
    next.active_since = null;
  } else if (next.state === 'firing') {
    const duration = (now.getTime() - (next.active_since ?? next.since).getTime()) / 1000;
    move('resolved', duration);
    if (next.notified && !silenced) notify = 'resolved';
    next.notified = false;
  }
  return { next, transitions, notify };
}
