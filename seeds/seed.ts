// Puts the taxonomy's posts and (optionally) the demo street into the database. Idempotent: every row
// is found by its natural key first, so running it again changes nothing and never duplicates.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Database } from '../storage/database';
import { ChatGroup, GroupMember, OrgUnit, Person, Post, PostMember } from '../storage/entities';
import type { DemoStreet } from './demoStreet';
import { LEVELS, type Taxonomy } from './taxonomy';

export interface SeedReport {
  posts: number;
  orgUnits: number;
  people: number;
  groups: number;
}

export async function seedDatabase(db: Pick<Database, 'write'>, taxonomy: Taxonomy, demo: DemoStreet | null): Promise<SeedReport> {
  return db.write(async (manager) => {
    for (const post of taxonomy.data.posts) {
      await manager.save(Post, { code: post.code, name: post.name, board: post.board, duty: post.duty });
    }
    if (!demo) return { posts: taxonomy.data.posts.length, orgUnits: 0, people: 0, groups: 0 };
    checkDemoAgainstTaxonomy(demo, taxonomy);

    for (const unit of demo.orgUnits) {
      await manager.save(OrgUnit, { code: unit.code, name: unit.name, kind: unit.kind, parentCode: unit.parent });
    }
    const people = new Map<string, Person>();
    const personFor = async (userId: string, name: string, homeGrid?: string) => {
      const person = await upsertPerson(manager, demo.platform, userId, name, homeGrid ?? null);
      people.set(userId, person);
      return person;
    };

    const holders = new Map<string, { person: Person; grid?: string }[]>();
    for (const { post, members } of demo.postMembers) {
      for (const member of members) {
        const person = await personFor(member.userId, member.name, member.grid);
        const existing = await manager.findOneBy(PostMember, { postCode: post, personId: person.id });
        await manager.save(PostMember, { id: existing?.id ?? randomUUID(), postCode: post, personId: person.id, isLeader: member.leader });
        holders.set(post, [...(holders.get(post) ?? []), { person, grid: member.grid }]);
      }
    }

    const parents = new Map(demo.orgUnits.map((u) => [u.code, u.parent]));
    const covers = (unit: string | null, grid: string | undefined): boolean => {
      if (!grid || !unit) return true;
      for (let at: string | null | undefined = grid; at; at = parents.get(at)) if (at === unit) return true;
      return false;
    };

    for (const group of demo.groups) {
      const existing = await manager.findOneBy(ChatGroup, { platform: demo.platform, platformChatId: group.chatId });
      const saved = await manager.save(ChatGroup, {
        id: existing?.id ?? randomUUID(),
        platform: demo.platform,
        platformChatId: group.chatId,
        name: group.name,
        kind: group.kind,
        postCode: group.post,
        orgUnitCode: group.orgUnit,
        level: group.level ?? null,
      });
      const members = [
        ...(await Promise.all(group.members.map((m) => personFor(m.userId, m.name, m.homeGrid)))),
        ...(group.includePosts ?? []).flatMap((post) =>
          (holders.get(post) ?? []).filter((h) => covers(group.orgUnit, h.grid)).map((h) => h.person),
        ),
      ];
      for (const person of members) {
        await manager.save(GroupMember, { groupId: saved.id, personId: person.id });
      }
    }
    return { posts: taxonomy.data.posts.length, orgUnits: demo.orgUnits.length, people: people.size, groups: demo.groups.length };
  });
}

async function upsertPerson(manager: EntityManager, platform: string, platformUserId: string, name: string, homeOrgUnitCode: string | null) {
  const existing = await manager.findOneBy(Person, { platform, platformUserId });
  if (existing) {
    existing.name = name;
    existing.homeOrgUnitCode = homeOrgUnitCode ?? existing.homeOrgUnitCode;
    return manager.save(existing);
  }
  return manager.save(Person, { id: randomUUID(), platform, platformUserId, name, homeOrgUnitCode, createdAt: new Date() });
}

function checkDemoAgainstTaxonomy(demo: DemoStreet, taxonomy: Taxonomy): void {
  const units = new Set(demo.orgUnits.map((u) => u.code));
  const problems: string[] = [];
  for (const { post } of demo.postMembers) if (!taxonomy.posts.has(post)) problems.push(`postMembers: unknown post ${post}`);
  for (const group of demo.groups) {
    if (group.post && !taxonomy.posts.has(group.post)) problems.push(`group ${group.chatId}: unknown post ${group.post}`);
    if (group.orgUnit && !units.has(group.orgUnit)) problems.push(`group ${group.chatId}: unknown org unit ${group.orgUnit}`);
    if (group.kind === 'worker' && !group.post && !group.level) problems.push(`group ${group.chatId}: a worker group needs a post or a level`);
  }
  for (const post of taxonomy.posts.keys()) {
    if (!demo.groups.some((g) => g.kind === 'worker' && g.post === post)) problems.push(`no worker group for post ${post}`);
  }
  for (const level of LEVELS.slice(1)) {
    if (!demo.groups.some((g) => g.kind === 'worker' && g.level === level)) problems.push(`no group handles the ${level} level (上报 needs one)`);
  }
  if (problems.length) throw new Error(`demo street does not fit the taxonomy:\n  ${problems.join('\n  ')}`);
}
