import { extractPlace } from '../../handlers/place/extractPlace';
import {
  defaultGazetteer,
  isUsablePlace,
  loadGazetteer,
  locatePlace,
  type Gazetteer,
  type PlaceContext,
} from '../../handlers/place/gazetteer';

const ORG_UNITS = new Set([
  'street.zaoziwan',
  'c.guixiangyuan',
  'g.guixiangyuan.1',
  'g.guixiangyuan.2',
  'c.jiaheli',
  'g.jiaheli.1',
  'g.jiaheli.2',
]);

/** A small street in the gazetteer file's shape: two communities, two grids each. */
function makeGazetteerJson() {
  return {
    roads: [
      { name: '枣子湾路', aliases: [] },
      { name: '幸福路', aliases: [] },
      { name: '桂花街', aliases: [] },
      { name: '龙溪路', aliases: [] },
    ],
    communities: [
      {
        orgUnit: 'c.guixiangyuan',
        defaultEstate: '桂香苑',
        estates: [
          {
            name: '桂香苑',
            aliases: ['桂香苑小区'],
            gates: [
              { name: '南门', aliases: ['大门', '正门'], grid: 'g.guixiangyuan.1' },
              { name: '北门', aliases: ['后门'], grid: 'g.guixiangyuan.2' },
            ],
          },
        ],
        grids: [
          {
            orgUnit: 'g.guixiangyuan.1',
            buildings: [{ estate: '桂香苑', from: 1, to: 8 }],
            roads: [{ road: '枣子湾路', from: 1, to: 40 }],
            crossings: [],
            landmarks: [{ name: '桂香幼儿园', aliases: ['桂香苑幼儿园'], localAliases: ['幼儿园'] }],
          },
          {
            orgUnit: 'g.guixiangyuan.2',
            buildings: [{ estate: '桂香苑', from: 9, to: 16 }],
            roads: [{ road: '幸福路', from: 1, to: 99 }, { road: '桂花街' }],
            crossings: [['幸福路', '枣子湾路']],
            landmarks: [{ name: '枣子湾菜市场', aliases: [], localAliases: ['菜市场', '菜场'] }],
          },
        ],
      },
      {
        orgUnit: 'c.jiaheli',
        defaultEstate: '嘉禾里',
        estates: [
          { name: '嘉禾里', aliases: ['嘉禾里小区', '嘉禾里一期'], gates: [] },
          { name: '嘉禾里三期', aliases: [], gates: [] },
        ],
        grids: [
          {
            orgUnit: 'g.jiaheli.1',
            buildings: [{ estate: '嘉禾里', from: 1, to: 10 }],
            roads: [{ road: '枣子湾路', from: 41, to: 100 }],
            crossings: [],
            landmarks: [],
          },
          {
            orgUnit: 'g.jiaheli.2',
            buildings: [{ estate: '嘉禾里三期', from: 1, to: 12 }],
            roads: [{ road: '龙溪路' }],
            crossings: [],
            landmarks: [{ name: '龙溪路公交站', aliases: [], localAliases: ['公交站'] }],
          },
        ],
      },
    ],
  };
}

const gazetteer: Gazetteer = loadGazetteer(makeGazetteerJson(), ORG_UNITS);
const GUIXIANGYUAN_GROUP: PlaceContext = { communityCode: 'c.guixiangyuan' };
const JIAHELI_GROUP: PlaceContext = { communityCode: 'c.jiaheli' };
/** The street-wide riders' group: bound to no community. */
const RIDERS_GROUP: PlaceContext = { communityCode: null };

function locate(text: string, context: PlaceContext) {
  return locatePlace(extractPlace(text), context, gazetteer);
}

describe('locatePlace', () => {
  it('files a building under the grid that covers it, whoever reports it', () => {
    expect(locate('8栋2单元电梯关到人了', GUIXIANGYUAN_GROUP)).toEqual({
      orgUnitCode: 'g.guixiangyuan.1',
      communityCode: 'c.guixiangyuan',
      key: 'c.guixiangyuan/桂香苑/8栋',
      unitKey: 'c.guixiangyuan/桂香苑/8栋/2单元',
      label: '桂香苑 8栋2单元 电梯',
    });
    expect(locate('9栋楼顶有人搭棚子', GUIXIANGYUAN_GROUP)).toMatchObject({ orgUnitCode: 'g.guixiangyuan.2' });
  });

  it('gives one key to one building written in different words, and different keys to different buildings', () => {
    const a = locate('8号楼2单元电梯不动了', GUIXIANGYUAN_GROUP);
    const b = locate('八栋二单元的电梯又停了', GUIXIANGYUAN_GROUP);
    const c = locate('桂香苑小区8幢2单元电梯困人', RIDERS_GROUP);
    expect(a?.key).toBe(b?.key);
    expect(a?.unitKey).toBe(b?.unitKey);
    expect(c?.key).toBe(a?.key);
    expect(locate('9号楼2单元电梯不动了', GUIXIANGYUAN_GROUP)?.key).not.toBe(a?.key);
  });

  it('leaves the room out of the key, and keeps a report without a unit comparable at building level', () => {
    const upstairs = locate('8栋2单元1101说电梯在响', GUIXIANGYUAN_GROUP);
    const downstairs = locate('8栋2单元302也听到电梯在响', GUIXIANGYUAN_GROUP);
    const noUnit = locate('8栋电梯一直在响', GUIXIANGYUAN_GROUP);
    expect(upstairs?.unitKey).toBe(downstairs?.unitKey);
    expect(upstairs?.label).toBe('桂香苑 8栋2单元1101');
    expect(noUnit?.key).toBe(upstairs?.key);
    expect(noUnit?.unitKey).toBeNull();
    expect(locate('8栋1单元电梯一直在响', GUIXIANGYUAN_GROUP)?.unitKey).not.toBe(upstairs?.unitKey);
  });

  it('gives one key to one gate whatever the residents call it', () => {
    const keys = ['桂香苑南门的道闸坏了', '桂香苑小区南门口有人摆摊', '小区大门口又堵了'].map(
      (text) => locate(text, GUIXIANGYUAN_GROUP)?.key,
    );
    expect(keys).toEqual(['c.guixiangyuan/桂香苑/南门', 'c.guixiangyuan/桂香苑/南门', 'c.guixiangyuan/桂香苑/南门']);
    expect(locate('桂香苑后门的灯不亮', RIDERS_GROUP)).toMatchObject({ key: 'c.guixiangyuan/桂香苑/北门', orgUnitCode: 'g.guixiangyuan.2' });
  });

  it('does not place a bare building in the street-wide riders group', () => {
    expect(locate('8栋门口电瓶车着火了', RIDERS_GROUP)).toBeNull();
  });

  it('lets the estate named in the text win over the group community', () => {
    expect(locate('我们嘉禾里6栋楼道堆满了纸箱', GUIXIANGYUAN_GROUP)).toMatchObject({
      orgUnitCode: 'g.jiaheli.1',
      key: 'c.jiaheli/嘉禾里/6栋',
    });
    expect(locate('嘉禾里三期7幢外墙掉砖', GUIXIANGYUAN_GROUP)).toMatchObject({ orgUnitCode: 'g.jiaheli.2' });
    // Another street's estate: not the group's 7栋.
    expect(locate('望江花园7栋外墙掉砖', GUIXIANGYUAN_GROUP)).toBeNull();
  });

  it('files a building outside every grid range under its community', () => {
    expect(locate('桂香苑20栋停电了', RIDERS_GROUP)).toMatchObject({ orgUnitCode: 'c.guixiangyuan', key: 'c.guixiangyuan/桂香苑/20栋' });
  });

  it('files a 门牌 address under the grid its stretch of road is in', () => {
    expect(locate('枣子湾路二十八号门口井盖翻了', RIDERS_GROUP)).toMatchObject({
      orgUnitCode: 'g.guixiangyuan.1',
      key: 'road:枣子湾路/28号',
      label: '枣子湾路28号',
    });
    expect(locate('枣子湾路66号的招牌在晃', RIDERS_GROUP)).toMatchObject({ orgUnitCode: 'g.jiaheli.1' });
  });

  it('gives a crossing one key whichever road is named first', () => {
    const a = locate('幸福路和枣子湾路路口的井盖没了', RIDERS_GROUP);
    const b = locate('枣子湾路与幸福路交叉口井盖没了', RIDERS_GROUP);
    expect(a).toMatchObject({ orgUnitCode: 'g.guixiangyuan.2', key: 'road:幸福路&枣子湾路' });
    expect(b?.key).toBe(a?.key);
  });

  it('finds a landmark by its name, by road and word, or by what the community calls it', () => {
    expect(locate('龙溪路公交站的顶棚垮了', RIDERS_GROUP)).toMatchObject({ orgUnitCode: 'g.jiaheli.2', key: 'landmark:龙溪路公交站' });
    expect(locate('桂香苑幼儿园门口有人发传单', RIDERS_GROUP)).toMatchObject({ key: 'landmark:桂香幼儿园' });
    expect(locate('菜市场门口有个老人摔倒了', GUIXIANGYUAN_GROUP)).toMatchObject({ orgUnitCode: 'g.guixiangyuan.2' });
    expect(locate('菜市场门口有个老人摔倒了', RIDERS_GROUP)).toBeNull();
    expect(locate('菜市场门口有个老人摔倒了', JIAHELI_GROUP)).toBeNull();
  });

  it('places a road alone only as precisely as the road allows', () => {
    expect(locate('桂花街的路灯一排都不亮', RIDERS_GROUP)).toMatchObject({ orgUnitCode: 'g.guixiangyuan.2', key: 'road:桂花街' });
    // 枣子湾路 runs through both communities: without a number it is nowhere in particular.
    expect(locate('枣子湾路上又有人乱停车', RIDERS_GROUP)).toBeNull();
    expect(locate('枣子湾路上又有人乱停车', JIAHELI_GROUP)).toMatchObject({ orgUnitCode: 'c.jiaheli' });
  });

  it('places nothing for a message without a place, or with only a spot inside some building', () => {
    expect(locate('井盖没了', GUIXIANGYUAN_GROUP)).toBeNull();
    expect(locate('楼道灯坏了好几天', GUIXIANGYUAN_GROUP)).toBeNull();
  });
});

describe('isUsablePlace', () => {
  const usable = (text: string, context: PlaceContext) => isUsablePlace(extractPlace(text), context);

  it('accepts what a worker could find', () => {
    expect(usable('8栋2单元电梯坏了', GUIXIANGYUAN_GROUP)).toBe(true);
    expect(usable('嘉禾里6栋门口积水', RIDERS_GROUP)).toBe(true);
    expect(usable('小区北门口有人摆摊', GUIXIANGYUAN_GROUP)).toBe(true);
    expect(usable('枣子湾路28号门口井盖翻了', RIDERS_GROUP)).toBe(true);
    expect(usable('幸福路和枣子湾路路口红绿灯坏了', RIDERS_GROUP)).toBe(true);
    expect(usable('滨河公园的栏杆断了', RIDERS_GROUP)).toBe(true);
    expect(usable('龙溪路公交站的座椅垮了', RIDERS_GROUP)).toBe(true);
    expect(usable('菜市场门口有人打架', JIAHELI_GROUP)).toBe(true);
  });

  it('refuses what a worker could not find', () => {
    expect(usable('楼道灯坏了', GUIXIANGYUAN_GROUP)).toBe(false);
    expect(usable('井盖没了', GUIXIANGYUAN_GROUP)).toBe(false);
    expect(usable('8栋门口电瓶车着火了', RIDERS_GROUP)).toBe(false);
    expect(usable('小区北门口有人摆摊', RIDERS_GROUP)).toBe(false);
    expect(usable('幸福路上有个大坑', RIDERS_GROUP)).toBe(false);
    expect(usable('菜市场门口有人打架', RIDERS_GROUP)).toBe(false);
    expect(isUsablePlace(null, GUIXIANGYUAN_GROUP)).toBe(false);
  });
});

describe('loadGazetteer', () => {
  const load = (mutate: (json: ReturnType<typeof makeGazetteerJson>) => void) => () => {
    const json = makeGazetteerJson();
    mutate(json);
    return loadGazetteer(json, ORG_UNITS);
  };

  it('refuses an org unit the street does not have, naming it', () => {
    expect(load((j) => (j.communities[1].grids[1].orgUnit = 'g.jiaheli.9'))).toThrow(/grid of c\.jiaheli "g\.jiaheli\.9" is not an org unit/);
    expect(load((j) => (j.communities[0].orgUnit = 'c.nowhere'))).toThrow(/community "c\.nowhere"/);
  });

  it('refuses building ranges of one estate that overlap, naming both', () => {
    expect(load((j) => (j.communities[0].grids[1].buildings[0].from = 7))).toThrow(
      /桂香苑 buildings 7–16 in g\.guixiangyuan\.2 overlap 1–8 in g\.guixiangyuan\.1/,
    );
  });

  it('refuses an entry without a name, saying where it is', () => {
    expect(load((j) => (j.communities[1].estates[1].name = ''))).toThrow(/communities\[1\]\(c\.jiaheli\)\.estates\[1\]\.name/);
    expect(load((j) => (j.communities[0].grids[0].landmarks[0].name = ' '))).toThrow(/landmarks\[0\]\.name/);
  });

  it('refuses one name for two estates, a stretch of an undeclared road, and a default estate it does not have', () => {
    expect(load((j) => j.communities[1].estates[0].aliases.push('桂香苑小区'))).toThrow(/estate name "桂香苑小区" is given to both 桂香苑/);
    expect(load((j) => j.communities[0].grids[0].roads.push({ road: '无名路', from: 1, to: 5 }))).toThrow(/无名路 is not one of the street's roads/);
    expect(load((j) => (j.communities[1].defaultEstate = '桂香苑'))).toThrow(/defaultEstate "桂香苑" is not one of its estates/);
    expect(load((j) => j.communities[1].grids[0].roads.push({ road: '枣子湾路', from: 90, to: 120 }))).toThrow(/枣子湾路 90–120 in g\.jiaheli\.1 overlaps 41–100/);
  });
});

describe('defaultGazetteer', () => {
  it('loads the demo street places and checks them against its org units', () => {
    const demo = defaultGazetteer();
    expect(defaultGazetteer()).toBe(demo);
    const where = (text: string, context: PlaceContext) => locatePlace(extractPlace(text), context, demo)?.orgUnitCode;
    expect(where('送货经过枣子湾路28号看到电线垂下来', RIDERS_GROUP)).toBe('g.guixiangyuan.1');
    expect(where('12栋3单元门禁坏了', GUIXIANGYUAN_GROUP)).toBe('g.guixiangyuan.2');
    expect(where('嘉禾里三期12幢1102厨房水管爆了', RIDERS_GROUP)).toBe('g.jiaheli.3');
  });
});
