import type { FastifyPluginAsync } from 'fastify';
import { sessionOf } from '../auth/api-guard';
import type { UserDeletion } from '../monitoring/user-deletion';

/** Data-protection requests: delete a user's messages and profile. */
export const userRoutes: FastifyPluginAsync<{ deletion: UserDeletion }> = async (app, { deletion }) => {
  app.delete<{ Params: { id: string } }>('/api/users/:id', async (req, reply) => {
    const session = sessionOf(req);
    const id = req.params.id;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      return reply.code(400).send({
        error: 'invalid_parameter',
        parameter: 'id',
        message: 'id must be a Messenger user id (PSID)',
      });
    }
    const result = await deletion.delete(id);
    if (!result) return reply.code(404).send({ error: 'not_found', message: `no user with id ${id}` });
    // The audit trail of a data-protection request: whose data, by which admin, from where.
    req.log.info(
      {
        audit: 'user_deleted',
        user_id: id,
        deleted_messages: result.deleted_messages,
        username: session.username,
        address: req.ip,
      },
      'user data deleted',
    );
    return result;
  });
};
