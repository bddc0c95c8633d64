// Who holds a post on one platform: the people a platform that cannot put a card into a group (WeCom's
// self-built app) sends the post's dispatch card to, one by one.
import type { Reader } from '../database';
import { Person, PostMember } from '../entities';

export async function postMemberUserIds(read: Reader, postCode: string, platform: string): Promise<string[]> {
  const rows = await read
    .createQueryBuilder(PostMember, 'member')
    .innerJoin(Person, 'person', 'person.id = member.personId')
    .select('person.platformUserId', 'userId')
    .where('member.postCode = :postCode', { postCode })
    .andWhere('person.platform = :platform', { platform })
    .orderBy('person.platformUserId', 'ASC')
    .getRawMany<{ userId: string }>();
  return rows.map((row) => row.userId);
}
