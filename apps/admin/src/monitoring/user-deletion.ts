import { type Db, deleteUserData } from '@botpulse/db';

export class UserDeletion {
  constructor(
    private readonly db: Db,
    private readonly onDeleted: (facebookId: string, deletedMessages: number) => void,
  ) {}

  async delete(facebookId: string): Promise<{ deleted_messages: number } | null> {
    const result = await deleteUserData(this.db, facebookId);
    if (result) this.onDeleted(facebookId, result.deleted_messages);
    return result;
  }
}
