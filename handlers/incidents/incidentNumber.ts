// Readable incident numbers, A-20261124-0007: the street's local date and that day's running count.
// The count advances inside the creating transaction, so concurrent reports never share a number.
import type { EntityManager } from 'typeorm';
import { Counter } from '../../storage/entities';
import { localDateStamp } from '../localTime';

export async function nextIncidentNumber(manager: EntityManager, now: Date, timeZone: string): Promise<string> {
  const day = localDateStamp(now, timeZone);
  const name = `incident:${day}`;
  // Insert-if-absent then increment in place: both statements take the row lock on MySQL.
  await manager.createQueryBuilder().insert().into(Counter).values({ name, value: 0 }).orIgnore().execute();
  await manager.increment(Counter, { name }, 'value', 1);
  const counter = await manager.findOneByOrFail(Counter, { name });
  return `A-${day}-${String(counter.value).padStart(4, '0')}`;
}
