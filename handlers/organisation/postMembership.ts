// Who holds a post, as one platform knows them: only a post's members may act on its cards, and a platform
// that sends cards person by person (WeCom's app) sends them to these people.
import { randomUUID } from 'node:crypto';
import { Person, PostMember } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { notFound } from '../errors';
import { findOrCreatePerson } from '../intake/people';

export interface Membership {
  postCode: string;
  platform: string;
  userId: string;
  name: string;
  isLeader: boolean;
}

export async function addPostMember(member: Membership, context: HandlerContext): Promise<Membership> {
  const post = context.taxonomy.posts.get(member.postCode);
  if (!post) throw notFound(`post ${member.postCode} does not exist in the taxonomy`);
  return context.db.write(async (manager) => {
    const person = await findOrCreatePerson(manager, member.platform, member.userId, member.name);
    if (member.name && person.name !== member.name) await manager.update(Person, { id: person.id }, { name: member.name });
    const existing = await manager.findOneBy(PostMember, { postCode: post.code, personId: person.id });
    if (existing) await manager.update(PostMember, { id: existing.id }, { isLeader: member.isLeader });
    else await manager.insert(PostMember, { id: randomUUID(), postCode: post.code, personId: person.id, isLeader: member.isLeader });
    return { ...member, postCode: post.code };
  });
}

/** Returns whether there was such a member. */
export async function removePostMember(postCode: string, platform: string, userId: string, context: HandlerContext): Promise<boolean> {
  return context.db.write(async (manager) => {
    const person = await manager.findOneBy(Person, { platform, platformUserId: userId });
    if (!person) return false;
    const removed = await manager.delete(PostMember, { postCode, personId: person.id });
    return (removed.affected ?? 0) > 0;
  });
}
