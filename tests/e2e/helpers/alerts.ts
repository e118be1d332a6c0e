import type { AlertHistoryEntry, AlertHistoryPage, AlertRuleView, AlertsOverview } from '@botpulse/protocol';
import type { Stack } from '@botpulse/tools/testing';
import { expect } from 'vitest';

/** The Alerts API as a test uses it. */
export function alertsApi(stack: Stack, cookie: string, baseUrl = () => stack.adminUrl) {
  const call = async <T>(path: string, init: RequestInit = {}) => {
    const res = await fetch(baseUrl() + path, {
      ...init,
      headers: {
        cookie,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.headers ?? {}),
      },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    call,
    async overview(): Promise<AlertsOverview> {
      const r = await call<AlertsOverview>('/api/alerts');
      expect(r.status).toBe(200);
      return r.body;
    },
    async rule(name: string): Promise<AlertRuleView> {
      return (await this.overview()).rules.find((r) => r.alertname === name)!;
    },
    async setRule(name: string, update: Record<string, unknown>) {
      const r = await call<AlertRuleView>(`/api/alerts/rules/${name}`, {
        method: 'PUT',
        body: JSON.stringify(update),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    },
    async history(name?: string): Promise<AlertHistoryEntry[]> {
      const r = await call<AlertHistoryPage>('/api/alerts/history?limit=500');
      expect(r.status).toBe(200);
      return r.body.items.filter((h) => !name || h.alertname === name).reverse();
    },
    /** Waits until the rule is in `state`; returns the rule. */
    async until(name: string, state: AlertRuleView['state'], timeoutMs = 30_000) {
      return stack.waitFor(
        async () => {
          const r = await this.rule(name);
          return r.state === state ? r : undefined;
        },
        `${name} to be ${state}`,
        timeoutMs,
        100,
      );
    },
  };
}

/** Every rule disabled except `keep` (each test watches one rule, undisturbed by the others). */
export async function onlyRule(
  api: ReturnType<typeof alertsApi>,
  keep: string,
  settings: Record<string, unknown>,
) {
  for (const r of (await api.overview()).rules) {
    if (r.alertname === keep) await api.setRule(keep, { enabled: true, ...settings });
    else await api.setRule(r.alertname, { enabled: false });
  }
}
