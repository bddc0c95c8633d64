// Where a report is: the place named in the words, located in the street's gazetteer, whoever reports it —
// the same lift in 8栋 is one grid's for every resident, not each reporter's home grid. The chat's community
// (a residents' group bound to 桂香苑社区) fills in an estate the words leave out ("8栋" in that group).
import type { ChatGroup } from '../../storage/entities';
import { extractPlace, type PlaceMention } from '../place/extractPlace';
import { isUsablePlace, locatePlace, type Gazetteer, type LocatedPlace } from '../place/gazetteer';

export interface ReportPlace {
  mention: PlaceMention | null;
  located: LocatedPlace | null;
  /** Whether a worker could find it from what was said: else the reporter is asked (在哪个小区哪一栋？). */
  usable: boolean;
}

export function locateReport(text: string, group: Pick<ChatGroup, 'orgUnitCode'>, gazetteer: Gazetteer): ReportPlace {
  const communityCode = communityOf(group.orgUnitCode, gazetteer);
  const mention = extractPlace(text);
  return {
    mention,
    located: locatePlace(mention, { communityCode }, gazetteer),
    usable: isUsablePlace(mention, { communityCode }),
  };
}

/** The community a chat is bound to (its own, or its grid's); null for a street-wide chat such as the riders'. */
function communityOf(orgUnitCode: string | null, gazetteer: Gazetteer): string | null {
  if (!orgUnitCode) return null;
  if (gazetteer.communities.has(orgUnitCode)) return orgUnitCode;
  return gazetteer.gridCommunity.get(orgUnitCode) ?? null;
}
