// Where a report is: the place named in the words, located in the street's gazetteer, whoever reports it —
// the same lift in 8栋 is one grid's for every resident, not each reporter's home grid. The chat's community
// (a residents' group bound to 桂香苑社区) fills in an estate the words leave out ("8栋" in that group). A place
// sent with the report (随手拍's "桂香苑8栋", a shared location's label) stands in when the words name none usable.
import type { ChatGroup } from '../../storage/entities';
import { extractPlace, type PlaceMention } from '../place/extractPlace';
import { isUsablePlace, locatePlace, type Gazetteer, type LocatedPlace } from '../place/gazetteer';

export interface ReportPlace {
  mention: PlaceMention | null;
  located: LocatedPlace | null;
  /** Whether a worker could find it from what was said: else the reporter is asked (在哪个小区哪一栋？). */
  usable: boolean;
  /** The location's name when the place is read from it rather than from the words: the card shows it as sent. */
  fromLocation: string | null;
}

/** A place sent with the report, as stored with the message; coordinates alone locate nothing (no map data here). */
export interface SentLocation {
  name?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

export function locateReport(text: string, group: Pick<ChatGroup, 'orgUnitCode'>, gazetteer: Gazetteer, location?: SentLocation | null): ReportPlace {
  const communityCode = communityOf(group.orgUnitCode, gazetteer);
  const fromWords = placeIn(text, communityCode, gazetteer);
  const name = location?.name?.trim();
  if (fromWords.usable || !name) return { ...fromWords, fromLocation: null };
  // The words win whenever a worker could go by them; the sent place only when it says more than they do.
  const fromName = placeIn(name, communityCode, gazetteer);
  const saysMore = fromName.usable || (fromName.located !== null && fromWords.located === null);
  return saysMore ? { ...fromName, fromLocation: name } : { ...fromWords, fromLocation: null };
}

function placeIn(text: string, communityCode: string | null, gazetteer: Gazetteer): Omit<ReportPlace, 'fromLocation'> {
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
