// The ids of groups, people and memberships the bot has already stored, so that storing a message from
// someone seen before is one insert rather than three look-ups first. Safe to keep because those rows are
// never deleted and their ids never change; what can change (a group's kind, a person's name) is not kept
// here. Each process keeps its own; a miss goes to the database, which settles races (people.ts).
const DEFAULT_CAPACITY = 100_000;

export class KnownIdentities {
  private readonly groups: BoundedMap<string, string>;
  private readonly people: BoundedMap<string, string>;
  private readonly memberships: BoundedMap<string, true>;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.groups = new BoundedMap(capacity);
    this.people = new BoundedMap(capacity);
    this.memberships = new BoundedMap(capacity);
  }

  groupId(platform: string, chatId: string): string | undefined {
    return this.groups.get(`${platform}\n${chatId}`);
  }

  personId(platform: string, userId: string): string | undefined {
    return this.people.get(`${platform}\n${userId}`);
  }

  isMember(groupId: string, personId: string): boolean {
    return this.memberships.get(`${groupId}\n${personId}`) === true;
  }

  /** Call only once the rows are committed: a rolled-back id kept here would point at nothing. */
  remember(seen: { platform: string; chatId: string; groupId: string; userId: string; personId: string }): void {
    this.groups.set(`${seen.platform}\n${seen.chatId}`, seen.groupId);
    this.people.set(`${seen.platform}\n${seen.userId}`, seen.personId);
    this.memberships.set(`${seen.groupId}\n${seen.personId}`, true);
  }
}

/** A Map that forgets its oldest entries past `capacity`, so a street of many residents cannot grow it without end. */
class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }
}
