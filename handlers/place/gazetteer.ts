// The street's places by community and grid (seeds/gazetteer.json, data a street replaces), and where a place
// mention is: the grid a worker would go to, whatever grid the reporter lives in, and a key that is the same for
// two reports of one spot in different words ("8号楼2单元", "8栋二单元").
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { loadDemoStreet } from '../../seeds/demoStreet';
import { describeSpot, normaliseEstateName, type PlaceMention } from './extractPlace';

const aName = z.string().trim().min(1);
const names = z.array(aName).default([]);
const count = z.number().int().positive();

const gateSchema = z.object({ name: aName, aliases: names, grid: z.string().min(1).optional() });
const estateSchema = z.object({ name: aName, aliases: names, gates: z.array(gateSchema).default([]) });
const stretchSchema = z.object({
  road: aName,
  from: count.optional(),
  to: count.optional(),
  side: z.enum(['odd', 'even', 'both']).default('both'),
});
const landmarkSchema = z.object({ name: aName, aliases: names, localAliases: names });
const gridSchema = z.object({
  orgUnit: z.string().min(1),
  buildings: z.array(z.object({ estate: aName, from: count, to: count })).default([]),
  roads: z.array(stretchSchema).default([]),
  crossings: z.array(z.tuple([aName, aName])).default([]),
  landmarks: z.array(landmarkSchema).default([]),
});
const fileSchema = z.object({
  about: z.string().optional(),
  roads: z.array(z.object({ name: aName, aliases: names })),
  communities: z
    .array(
      z.object({
        orgUnit: z.string().min(1),
        defaultEstate: aName.optional(),
        estates: z.array(estateSchema).min(1),
        grids: z.array(gridSchema),
      }),
    )
    .min(1),
});

export interface GazetteerGate {
  name: string;
  aliases: readonly string[];
  /** The grid the gate is in; null when the file does not say (the case then goes to the community). */
  gridCode: string | null;
}

export interface GazetteerEstate {
  name: string;
  communityCode: string;
  gates: readonly GazetteerGate[];
}

export interface BuildingRange {
  estate: string;
  from: number;
  to: number;
  gridCode: string;
}

/** A stretch of a road in one grid: 门牌 from–to on one side or both; from/to null for the whole road. */
export interface RoadStretch {
  road: string;
  from: number | null;
  to: number | null;
  side: 'odd' | 'even' | 'both';
  gridCode: string;
}

export interface GazetteerLandmark {
  name: string;
  communityCode: string;
  gridCode: string;
}

export interface GazetteerCommunity {
  code: string;
  /** The estate a bare "8栋" means in this community's resident group; null when the community has no such estate. */
  defaultEstate: string | null;
  gridCodes: readonly string[];
}

/** The street's places, validated and indexed once by loadGazetteer. Names are looked up as written in the file. */
export interface Gazetteer {
  readonly communities: ReadonlyMap<string, GazetteerCommunity>;
  /** Every estate name and alias, in normaliseEstateName form, to its estate. */
  readonly estates: ReadonlyMap<string, GazetteerEstate>;
  readonly buildings: readonly BuildingRange[];
  /** Every road name and alias to the road's name. */
  readonly roads: ReadonlyMap<string, string>;
  readonly stretches: readonly RoadStretch[];
  /** crossingId(a, b) to the grid the crossing is in. */
  readonly crossings: ReadonlyMap<string, string>;
  /** Every landmark name and alias to its landmark. */
  readonly landmarks: ReadonlyMap<string, GazetteerLandmark>;
  /** `${communityCode}|${localAlias}`: what residents of one community call a landmark without its name. */
  readonly localLandmarks: ReadonlyMap<string, GazetteerLandmark>;
  /** Grid code to community code. */
  readonly gridCommunity: ReadonlyMap<string, string>;
}

export interface LocatedPlace {
  /** The grid when known, else the community. */
  orgUnitCode: string;
  communityCode: string;
  /**
   * A stable identity of the place for "same place" comparisons: "c.guixiangyuan/桂香苑/8栋",
   * "c.guixiangyuan/桂香苑/南门", "road:枣子湾路/28号", "road:幸福路&枣子湾路", "landmark:枣子湾菜市场".
   * A building's key stops at the building: a unit is kept in `unitKey`, and a room in neither, because two
   * neighbours reporting one lift name different rooms, and one says "8栋" where the other says "8栋2单元".
   * Compare `unitKey`s only when both reports have one; equal keys with different unitKeys are different spots.
   */
  key: string;
  /** key + "/2单元" when the report names a unit, else null. */
  unitKey: string | null;
  /** For the card: "桂香苑 8栋2单元402", "枣子湾路28号", "桂香苑 南门". */
  label: string;
}

export interface PlaceContext {
  /** The community the chat group is bound to; null or absent for a street-wide group (the riders' group). */
  communityCode?: string | null;
}

/** The id of a crossing, the same whichever road is named first. */
export function crossingId(a: string, b: string): string {
  return [a, b].sort().join('&');
}

/**
 * Checks and indexes a gazetteer. Throws an Error naming the bad entry: an org unit the street does not have,
 * a name given twice, building ranges or road stretches that overlap, a road, estate or grid referred to but
 * not declared, an entry without a name.
 */
export function loadGazetteer(json: unknown, orgUnitCodes: ReadonlySet<string>): Gazetteer {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${describePath(json, i.path)}: ${i.message}`);
    throw new Error(`gazetteer: ${issues.join('; ')}`);
  }
  const data = parsed.data;
  const fail = (message: string): never => {
    throw new Error(`gazetteer: ${message}`);
  };
  const known = (code: string, what: string) => {
    if (!orgUnitCodes.has(code)) fail(`${what} "${code}" is not an org unit of the street`);
  };

  const roads = new Map<string, string>();
  for (const road of data.roads) {
    for (const name of [road.name, ...road.aliases]) {
      const other = roads.get(name);
      if (other) fail(`road name "${name}" is given to both ${other} and ${road.name}`);
      roads.set(name, road.name);
    }
  }

  const communities = new Map<string, GazetteerCommunity>();
  const gridCommunity = new Map<string, string>();
  const estates = new Map<string, GazetteerEstate>();
  const buildings: BuildingRange[] = [];
  const stretches: RoadStretch[] = [];
  const crossings = new Map<string, string>();
  const landmarks = new Map<string, GazetteerLandmark>();
  const localLandmarks = new Map<string, GazetteerLandmark>();

  for (const community of data.communities) {
    known(community.orgUnit, 'community');
    if (communities.has(community.orgUnit)) fail(`community ${community.orgUnit} is listed twice`);
    for (const grid of community.grids) {
      known(grid.orgUnit, `grid of ${community.orgUnit}`);
      const other = gridCommunity.get(grid.orgUnit);
      if (other) fail(`grid ${grid.orgUnit} is listed under both ${other} and ${community.orgUnit}`);
      gridCommunity.set(grid.orgUnit, community.orgUnit);
    }
    const ownEstates = new Set(community.estates.map((e) => e.name));
    if (community.defaultEstate && !ownEstates.has(community.defaultEstate)) {
      fail(`community ${community.orgUnit}: defaultEstate "${community.defaultEstate}" is not one of its estates`);
    }
    communities.set(community.orgUnit, {
      code: community.orgUnit,
      defaultEstate: community.defaultEstate ?? null,
      gridCodes: community.grids.map((g) => g.orgUnit),
    });

    for (const estate of community.estates) {
      const gates = estate.gates.map((gate) => {
        if (gate.grid && gridCommunity.get(gate.grid) !== community.orgUnit) {
          fail(`${estate.name} ${gate.name}: grid "${gate.grid}" is not a grid of ${community.orgUnit}`);
        }
        return { name: gate.name, aliases: gate.aliases, gridCode: gate.grid ?? null };
      });
      const entry: GazetteerEstate = { name: estate.name, communityCode: community.orgUnit, gates };
      for (const name of [estate.name, ...estate.aliases]) {
        const key = normaliseEstateName(name);
        const other = estates.get(key);
        if (other) {
          fail(`estate name "${name}" is given to both ${other.name} (${other.communityCode}) and ${estate.name} (${community.orgUnit})`);
        }
        estates.set(key, entry);
      }
    }

    for (const grid of community.grids) {
      for (const range of grid.buildings) {
        const where = `${range.estate} buildings ${range.from}–${range.to} in ${grid.orgUnit}`;
        if (!ownEstates.has(range.estate)) fail(`${where}: ${range.estate} is not an estate of ${community.orgUnit}`);
        if (range.from > range.to) fail(`${where}: from is after to`);
        const clash = buildings.find((b) => b.estate === range.estate && b.from <= range.to && range.from <= b.to);
        if (clash) fail(`${where} overlap ${clash.from}–${clash.to} in ${clash.gridCode}`);
        buildings.push({ ...range, gridCode: grid.orgUnit });
      }
      for (const stretch of grid.roads) {
        const road = roads.get(stretch.road);
        const where = `${stretch.road} ${stretch.from ?? ''}–${stretch.to ?? ''} in ${grid.orgUnit}`;
        if (road !== stretch.road) fail(`${where}: ${stretch.road} is not one of the street's roads (by its name)`);
        if ((stretch.from === undefined) !== (stretch.to === undefined)) fail(`${where}: give both from and to, or neither`);
        if ((stretch.from ?? 0) > (stretch.to ?? 0)) fail(`${where}: from is after to`);
        const entry: RoadStretch = {
          road: stretch.road,
          from: stretch.from ?? null,
          to: stretch.to ?? null,
          side: stretch.side,
          gridCode: grid.orgUnit,
        };
        const clash = stretches.find((s) => s.road === entry.road && stretchesOverlap(s, entry));
        if (clash) {
          const theirs = clash.from === null ? 'the whole road' : `${clash.from}–${clash.to}`;
          fail(`${where} overlaps ${theirs} in ${clash.gridCode}`);
        }
        stretches.push(entry);
      }
      for (const [a, b] of grid.crossings) {
        const where = `crossing ${a} × ${b} in ${grid.orgUnit}`;
        for (const road of [a, b]) {
          if (roads.get(road) !== road) fail(`${where}: ${road} is not one of the street's roads (by its name)`);
        }
        if (a === b) fail(`${where}: a road does not cross itself`);
        const id = crossingId(a, b);
        const other = crossings.get(id);
        if (other) fail(`${where} is also listed in ${other}`);
        crossings.set(id, grid.orgUnit);
      }
      for (const landmark of grid.landmarks) {
        const entry: GazetteerLandmark = { name: landmark.name, communityCode: community.orgUnit, gridCode: grid.orgUnit };
        for (const name of [landmark.name, ...landmark.aliases]) {
          const other = landmarks.get(name);
          if (other) fail(`landmark name "${name}" is given to both ${other.name} and ${landmark.name}`);
          landmarks.set(name, entry);
        }
        for (const local of landmark.localAliases) {
          const other = localLandmarks.get(`${community.orgUnit}|${local}`);
          if (other) fail(`"${local}" in ${community.orgUnit} names both ${other.name} and ${landmark.name}`);
          localLandmarks.set(`${community.orgUnit}|${local}`, entry);
        }
      }
    }
  }
  return { communities, estates, buildings, roads, stretches, crossings, landmarks, localLandmarks, gridCommunity };
}

function stretchesOverlap(a: RoadStretch, b: RoadStretch): boolean {
  // A whole-road entry must be the road's only one.
  if (a.from === null || a.to === null || b.from === null || b.to === null) return true;
  if (a.side !== 'both' && b.side !== 'both' && a.side !== b.side) return false;
  return a.from <= b.to && b.from <= a.to;
}

/** A zod path made readable, with the entry's own name: communities[1](c.jiaheli).estates[0].name. */
function describePath(json: unknown, path: readonly PropertyKey[]): string {
  let node: unknown = json;
  let described = '';
  for (const step of path) {
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[step] : undefined;
    described += typeof step === 'number' ? `[${step}]` : `${described ? '.' : ''}${String(step)}`;
    if (typeof step === 'number' && node && typeof node === 'object') {
      const entry = node as Record<string, unknown>;
      const name = entry.orgUnit ?? entry.name ?? entry.road ?? entry.estate;
      if (typeof name === 'string' && name.trim()) described += `(${name.trim()})`;
    }
  }
  return described || '(file)';
}

let loaded: Gazetteer | undefined;

/** The demo street's gazetteer (seeds/gazetteer.json), checked against its org units, loaded once. */
export function defaultGazetteer(): Gazetteer {
  if (!loaded) {
    const file = fromProjectRoot('seeds', 'gazetteer.json');
    const orgUnitCodes = new Set(loadDemoStreet().orgUnits.map((unit) => unit.code));
    loaded = loadGazetteer(JSON.parse(readFileSync(file, 'utf8')), orgUnitCodes);
  }
  return loaded;
}

function findEstate(name: string, gazetteer: Gazetteer): GazetteerEstate | null {
  const normalised = normaliseEstateName(name);
  return gazetteer.estates.get(normalised) ?? gazetteer.estates.get(normalised.replace(/(?:小区|社区)$/u, '')) ?? null;
}

/**
 * The estate a mention is in: the one it names, else the group's community's default estate. An estate named
 * but not in the gazetteer (another street's) is `unknown`, and then the group's estate must not stand in for it.
 */
function estateOf(mention: PlaceMention, context: PlaceContext, gazetteer: Gazetteer): GazetteerEstate | 'unknown' | null {
  if (mention.estate) return findEstate(mention.estate, gazetteer) ?? 'unknown';
  const community = context.communityCode ? gazetteer.communities.get(context.communityCode) : undefined;
  const fallback = community?.defaultEstate;
  return fallback ? findEstate(fallback, gazetteer) : null;
}

function located(
  orgUnitCode: string,
  gazetteer: Gazetteer,
  key: string,
  label: string,
  unitKey: string | null = null,
): LocatedPlace {
  const communityCode = gazetteer.gridCommunity.get(orgUnitCode) ?? orgUnitCode;
  return { orgUnitCode, communityCode, key, unitKey, label };
}

function atBuilding(mention: PlaceMention, estate: GazetteerEstate, gazetteer: Gazetteer): LocatedPlace {
  const building = mention.building!;
  const number = Number.parseInt(building, 10);
  const range = gazetteer.buildings.find((b) => b.estate === estate.name && b.from <= number && number <= b.to);
  const key = `${estate.communityCode}/${estate.name}/${building}`;
  const unitKey = mention.unit ? `${key}/${mention.unit}` : null;
  const where = `${building}${mention.unit ?? ''}${mention.room ?? mention.floor ?? ''}`;
  const spot = mention.spot && describeSpot(mention.spot)?.kind !== 'generic' ? ` ${mention.spot}` : '';
  return located(range?.gridCode ?? estate.communityCode, gazetteer, key, `${estate.name} ${where}${spot}`, unitKey);
}

function atGate(mention: PlaceMention, estate: GazetteerEstate, gazetteer: Gazetteer): LocatedPlace {
  const written = mention.gate!;
  const gate = estate.gates.find((g) => g.name === written) ?? estate.gates.find((g) => g.aliases.includes(written));
  const name = gate?.name ?? written;
  const key = `${estate.communityCode}/${estate.name}/${name}`;
  return located(gate?.gridCode ?? estate.communityCode, gazetteer, key, `${estate.name} ${name}`);
}

/** The grid a set of stretches is all in, else their one community, else the group's community if among them. */
function commonUnit(stretches: readonly RoadStretch[], context: PlaceContext, gazetteer: Gazetteer): string | null {
  const grids = new Set(stretches.map((s) => s.gridCode));
  if (grids.size === 1) return [...grids][0];
  const communities = new Set([...grids].map((g) => gazetteer.gridCommunity.get(g)!));
  if (communities.size === 1) return [...communities][0];
  return context.communityCode && communities.has(context.communityCode) ? context.communityCode : null;
}

function atCrossing(road: string, cross: string, context: PlaceContext, gazetteer: Gazetteer): LocatedPlace | null {
  const id = crossingId(road, cross);
  const label = `${road}与${cross}路口`;
  const grid = gazetteer.crossings.get(id);
  if (grid) return located(grid, gazetteer, `road:${id}`, label);
  // Not listed: the community both roads run through, when there is one (or the group's, among several).
  const crossed = communitiesOfRoad(cross, gazetteer);
  const shared = [...communitiesOfRoad(road, gazetteer)].filter((c) => crossed.has(c));
  const groups = context.communityCode && shared.includes(context.communityCode) ? context.communityCode : null;
  const community = shared.length === 1 ? shared[0] : groups;
  return community ? located(community, gazetteer, `road:${id}`, label) : null;
}

function communitiesOfRoad(road: string, gazetteer: Gazetteer): Set<string> {
  const onRoad = gazetteer.stretches.filter((s) => s.road === road);
  return new Set(onRoad.map((s) => gazetteer.gridCommunity.get(s.gridCode)!));
}

function atAddress(road: string, written: string, context: PlaceContext, gazetteer: Gazetteer): LocatedPlace | null {
  const number = Number.parseInt(written, 10);
  const onRoad = gazetteer.stretches.filter((s) => s.road === road);
  const stretch = onRoad.find(
    (s) =>
      s.from === null ||
      (s.from <= number && number <= s.to! && (s.side === 'both' || (number % 2 === 1) === (s.side === 'odd'))),
  );
  const unit = stretch?.gridCode ?? commonUnit(onRoad, context, gazetteer);
  return unit ? located(unit, gazetteer, `road:${road}/${written}`, `${road}${written}`) : null;
}

/**
 * The landmark a mention names: by its name ("滨河公园"), by road or estate and word ("龙溪路公交站", "嘉禾里小学"),
 * or, when it names nothing else, by what the community's residents call it ("菜市场" in 嘉禾里's group).
 */
function findLandmark(mention: PlaceMention, communityCode: string | null, gazetteer: Gazetteer): GazetteerLandmark | null {
  const spot = mention.spot ? describeSpot(mention.spot) : null;
  if (!mention.spot || !spot) return null;
  const byName =
    gazetteer.landmarks.get(mention.spot) ??
    (mention.road ? gazetteer.landmarks.get(`${mention.road}${mention.spot}`) : undefined) ??
    (mention.estate ? gazetteer.landmarks.get(`${mention.estate}${mention.spot}`) : undefined);
  if (byName) return byName;
  if (spot.named || mention.road || !communityCode) return null;
  return gazetteer.localLandmarks.get(`${communityCode}|${mention.spot}`) ?? null;
}

/**
 * Where a mention is, or null when the gazetteer cannot tell (nothing but 楼道; a building with no estate and no
 * community; another street's estate or road). The most precise part decides: a building or gate of an estate,
 * then a crossing or 门牌 address, then a landmark, then the road or the estate alone. An estate named in the text
 * wins over the group's community.
 */
export function locatePlace(
  mention: PlaceMention | null,
  context: PlaceContext,
  gazetteer: Gazetteer,
): LocatedPlace | null {
  if (!mention) return null;
  const estate = estateOf(mention, context, gazetteer);
  const knownEstate = estate === 'unknown' ? null : estate;
  if (knownEstate && mention.building) return atBuilding(mention, knownEstate, gazetteer);
  if (knownEstate && mention.gate) return atGate(mention, knownEstate, gazetteer);

  const road = mention.road ? gazetteer.roads.get(mention.road) ?? null : null;
  const cross = mention.crossRoad ? gazetteer.roads.get(mention.crossRoad) ?? null : null;
  if (road && cross) {
    const crossing = atCrossing(road, cross, context, gazetteer);
    if (crossing) return crossing;
  }
  if (road && mention.number) {
    const address = atAddress(road, mention.number, context, gazetteer);
    if (address) return address;
  }

  const community = estate === 'unknown' ? null : (knownEstate?.communityCode ?? context.communityCode ?? null);
  const landmark = findLandmark(mention, community, gazetteer);
  if (landmark) {
    const label = `${landmark.name}${mention.gate ?? ''}`;
    return located(landmark.gridCode, gazetteer, `landmark:${landmark.name}`, label);
  }

  if (road && !mention.crossRoad) {
    const unit = commonUnit(gazetteer.stretches.filter((s) => s.road === road), context, gazetteer);
    if (unit) return located(unit, gazetteer, `road:${road}`, road);
  }
  if (knownEstate && mention.estate) {
    const grids = new Set(gazetteer.buildings.filter((b) => b.estate === knownEstate.name).map((b) => b.gridCode));
    const unit = grids.size === 1 ? [...grids][0] : knownEstate.communityCode;
    return located(unit, gazetteer, `${knownEstate.communityCode}/${knownEstate.name}`, knownEstate.name);
  }
  return null;
}

/**
 * Whether a worker could find the place from the words and the group alone: a building or a gate of an estate
 * (named, or the group's), a road with a 门牌 number or a crossing road, a landmark with a name (滨河公园, 龙溪路
 * 公交站) or, in a community's group, that community's 菜市场 or 幼儿园; an estate's shared facility (地下车库)
 * when the estate is named. "楼道灯坏了", "井盖没了", "8栋" in the street-wide riders' group, "幸福路" alone: not.
 */
export function isUsablePlace(mention: PlaceMention | null, context: PlaceContext): boolean {
  if (!mention) return false;
  const whoseEstate = Boolean(mention.estate || context.communityCode);
  if ((mention.building || mention.gate) && whoseEstate) return true;
  if (mention.road && (mention.number || mention.crossRoad)) return true;
  const spot = mention.spot ? describeSpot(mention.spot) : null;
  if (spot?.kind === 'landmark') return spot.named || Boolean(mention.road || mention.estate || context.communityCode);
  if (spot?.kind === 'facility') return Boolean(mention.estate);
  return false;
}
