import { ALERT_NAMES, type AlertName } from '@botpulse/protocol';
import {
  alertChannelRequestSchema,
  alertRuleUpdateSchema,
  alertSilenceRequestSchema,
} from '@botpulse/protocol/schemas';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { AlertsService } from '../alerts/alerts-service';
import { sessionOf } from '../auth/api-guard';

function badField(reply: FastifyReply, parameter: string, message: string) {
  return reply.code(400).send({ error: 'invalid_parameter', parameter, message });
}

/** Parses a body with a schema; on failure answers 400 naming the first bad field. */
function parse<S extends z.ZodType>(schema: S, body: unknown, reply: FastifyReply): z.infer<S> | undefined {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field =
    issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? 'body') : String(issue.path[0] ?? 'body');
  void badField(reply, field, issue.code === 'unrecognized_keys' ? `unknown field ${field}` : issue.message);
  return undefined;
}

const notFound = (reply: FastifyReply, what: string) =>
  reply.code(404).send({ error: 'not_found', message: what });

/** The Alerts API (DESIGN.md "Alerts"); registered in the session scope like every /api route. */
export const alertRoutes: FastifyPluginAsync<{ alerts: AlertsService }> = async (app, { alerts }) => {
  app.get('/api/alerts', async () => alerts.overview());

  app.put<{ Params: { alertname: string } }>('/api/alerts/rules/:alertname', async (req, reply) => {
    if (!ALERT_NAMES.includes(req.params.alertname as AlertName))
      return notFound(reply, `no rule named ${req.params.alertname.slice(0, 100)}`);
    const update = parse(alertRuleUpdateSchema, req.body, reply);
    if (!update) return reply;
    const rule = await alerts.updateRule(req.params.alertname, update);
    req.log.info(
      { audit: 'alert_rule_changed', alertname: rule!.alertname, username: sessionOf(req).username },
      'alert rule changed',
    );
    return rule;
  });

  app.get<{ Querystring: { limit?: string; cursor?: string } }>('/api/alerts/history', async (req, reply) => {
    const { limit = '50', cursor } = req.query;
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > 500)
      return badField(reply, 'limit', 'limit must be a whole number from 1 to 500');
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor))
      return badField(reply, 'cursor', 'cursor must be the next_cursor of a previous page');
    return alerts.history(Number(limit), cursor === undefined ? null : Number(cursor));
  });

  app.get('/api/alerts/channels', async () => alerts.channels());

  app.post('/api/alerts/channels', async (req, reply) => {
    const body = parse(alertChannelRequestSchema, req.body, reply);
    if (!body) return reply;
    const channel = await alerts.addChannel(body);
    req.log.info(
      { audit: 'alert_channel_added', id: channel.id, type: channel.type, username: sessionOf(req).username },
      'alert channel added',
    );
    return reply.code(201).send(channel);
  });

  app.delete<{ Params: { id: string } }>('/api/alerts/channels/:id', async (req, reply) => {
    if (!(await alerts.deleteChannel(req.params.id))) return notFound(reply, 'no such channel');
    req.log.info(
      { audit: 'alert_channel_deleted', id: req.params.id, username: sessionOf(req).username },
      'alert channel deleted',
    );
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/alerts/channels/:id/test', async (req, reply) => {
    const result = await alerts.testChannel(req.params.id);
    if (!result) return notFound(reply, 'no such channel');
    return result;
  });

  app.post('/api/alerts/silences', async (req, reply) => {
    const body = parse(alertSilenceRequestSchema, req.body, reply);
    if (!body) return reply;
    const until = new Date(body.until);
    if (until.getTime() <= Date.now()) return badField(reply, 'until', 'until must be in the future');
    const silence = await alerts.addSilence(body.alertname ?? null, until, sessionOf(req).username);
    return reply.code(201).send(silence);
  });

  app.delete<{ Params: { id: string } }>('/api/alerts/silences/:id', async (req, reply) => {
    if (!/^\d{1,18}$/.test(req.params.id)) return badField(reply, 'id', 'id must be a silence id');
    if (!(await alerts.deleteSilence(Number(req.params.id)))) return notFound(reply, 'no such silence');
    return reply.code(204).send();
  });
};
