import type { FastifyPluginAsync } from 'fastify';
import type { ConversationsService } from '../conversations/conversations-service';

type Query = Record<string, unknown>;

/** The conversation explorer: parse → service → respond (bad parameters become 400 in the error handler). */
export const conversationRoutes: FastifyPluginAsync<{ conversations: ConversationsService }> = async (
  app,
  { conversations },
) => {
  app.get('/api/conversations', async (req) => conversations.search(req.query as Query));

  app.get<{ Params: { id: string } }>('/api/users/:id', async (req, reply) => {
    const profile = await conversations.profile(req.params.id);
    if (!profile) return reply.code(404).send({ error: 'not_found', message: 'no such user' });
    return profile;
  });

  app.get<{ Params: { id: string } }>('/api/users/:id/conversations', async (req, reply) => {
    const page = await conversations.transcript(req.params.id, req.query as Query);
    if (!page) return reply.code(404).send({ error: 'not_found', message: 'no such user or message' });
    return page;
  });
};
