// Reads where a report is from a resident's words: the one phrase that names the place (桂香苑南门, 8栋2单元402,
// 幸福路与枣子湾路路口, 枣子湾路28号), kept whole as written, with its parts read out and normalised so that
// "8号楼二单元" and "8栋2单元" compare equal. It knows Chinese address grammar, not any street: gazetteer.ts does.

export interface PlaceMention {
  /** The place as written, whole and in reading order, e.g. "桂香苑南门", "8栋2单元402", "幸福路与枣子湾路路口", "枣子湾路28号" */
  text: string;
  /** 小区/社区/苑/里/花园/家园/公寓/新村 … name as written ("桂香苑", "嘉禾里3期"); only a phase number is normalised */
  estate: string | null;
  /** "幸福路", "枣子湾路" (路/街/巷/大道), with "28号" kept in `number` */
  road: string | null;
  /** The second road of an intersection: "枣子湾路" in "幸福路与枣子湾路路口" (set only when the phrase ends in 路口/交叉口) */
  crossRoad?: string | null;
  /** 门牌 "28号" */
  number: string | null;
  /** Normalised "8栋" (8号楼/8幢/八栋/8座 → "8栋") */
  building: string | null;
  /** "2单元" */
  unit: string | null;
  /** "402" (from 402室, or a bare 402 right after a building or unit); "4楼2号" is a floor only */
  room: string | null;
  /** "4楼"; basements as "负一楼" (负1层/地下一层 → "负一楼") */
  floor: string | null;
  /** "南门", "东门", "大门", "2号门" */
  gate: string | null;
  /** 楼道, 地下车库, 电梯, 天台, 路口, 公园, 广场 … as written, with its name when it has one ("滨河公园") */
  spot: string | null;
}

/**
 * What a spot word is, which decides whether it can be found on its own (isUsablePlace):
 * `buildingPart` only inside a building (楼道, 电梯); `facility` shared within an estate (地下车库, 中庭);
 * `landmark` a public place a street has few of (菜市场, 幼儿园); `junction` 路口; `generic` 门口, 人行道.
 */
export type SpotKind = 'buildingPart' | 'facility' | 'landmark' | 'junction' | 'generic';

/** The spot words, longest first when matched. Language, not street data: a street's own places are in the gazetteer. */
const SPOT_WORDS: Readonly<Record<string, SpotKind>> = {
  楼道: 'buildingPart', 楼梯间: 'buildingPart', 楼梯口: 'buildingPart', 楼梯: 'buildingPart', 电梯间: 'buildingPart',
  电梯厅: 'buildingPart', 电梯: 'buildingPart', 天台: 'buildingPart', 楼顶: 'buildingPart', 顶楼: 'buildingPart',
  屋顶: 'buildingPart', 单元门口: 'buildingPart', 单元门: 'buildingPart', 大厅: 'buildingPart', 门厅: 'buildingPart',
  走廊: 'buildingPart', 过道: 'buildingPart', 安全出口: 'buildingPart', 消防通道: 'buildingPart', 架空层: 'buildingPart',
  管道井: 'buildingPart', 电表箱: 'buildingPart', 消防栓: 'buildingPart', 消火栓: 'buildingPart',
  地下车库: 'facility', 地下室: 'facility', 车库: 'facility', 停车场: 'facility', 车棚: 'facility', 中庭: 'facility',
  花园: 'facility', 绿化带: 'facility', 草坪: 'facility', 垃圾站: 'facility', 垃圾房: 'facility', 配电房: 'facility',
  快递柜: 'facility', 儿童游乐区: 'facility', 游乐区: 'facility', 健身区: 'facility', 消防车道: 'facility',
  门卫室: 'facility', 围墙: 'facility',
  菜市场: 'landmark', 菜场: 'landmark', 农贸市场: 'landmark', 市场: 'landmark', 超市: 'landmark', 公园: 'landmark',
  广场: 'landmark', 幼儿园: 'landmark', 小学: 'landmark', 中学: 'landmark', 学校: 'landmark', 中医院: 'landmark',
  医院: 'landmark', 卫生服务中心: 'landmark', 公交站台: 'landmark', 公交站: 'landmark', 地铁站: 'landmark',
  地铁口: 'landmark', 火车站: 'landmark', 码头: 'landmark', 天桥: 'landmark', 步道: 'landmark', 邮局: 'landmark',
  药店: 'landmark', 快递站: 'landmark', 菜鸟驿站: 'landmark', 派出所: 'landmark', 商场: 'landmark', 景区: 'landmark',
  工业园: 'landmark', 水库: 'landmark',
  十字路口: 'junction', 交叉口: 'junction', 路口: 'junction', 交汇处: 'junction',
  门口: 'generic', 人行道: 'generic',
};

/** Characters never inside a place name: particles, pronouns, measure and position words, and address markers. */
const STOP_CHARS =
  '的了是也都就还又很太最更这那哪个些么呢吗吧啊呀哦嘛噻哈啦喂嗯说看听喊让叫请想要会能可有没莫得着起住来跑买卖吃喝' +
  '拿停堆占堵修坏掉漏冒满条段截根只块片张辆次排边面头里上下外内旁对附近整半每各该此其某几多少才刚已正快慢再' +
  '我你他她它们自己不门楼路街巷区社单元栋幢层室号期组座口道';
const NAME = `(?:(?![${STOP_CHARS}])[\\u4e00-\\u9fff])`;

/**
 * Words that lead into a name without belonging to it ("路过枣子湾路", "到桂香苑", "骑车经过幸福路"). They are cut
 * only when what is left is still a name of two or more characters, so "从化路" or "过江路" keep their first character.
 */
const LEADING_WORDS = [
  '路过', '经过', '途经', '住在', '位于', '就在', '在', '到', '从', '去', '往', '过', '和', '与', '跟', '同', '及',
  '今天', '昨天', '前天', '明天', '刚才', '刚刚', '现在', '早上', '晚上', '中午', '下午', '上午', '半夜', '每天', '平时',
  '最近', '周末', '昨晚', '今晚', '当晚', '两天', '几天', '隔壁', '委托', '发现', '走访', '希望', '麻烦', '需要',
  '拜托', '通知', '联系', '告诉', '反映', '督促', '建议', '感谢', '提醒', '协调', '帮忙', '还是', '就是', '但是',
  '不过', '而且', '然后', '所以', '因为', '另外', '顺便',
];

/** Words before a landmark's word that say which one, not its name ("那家小超市", "那所小学"). */
const LANDMARK_LEADING_WORDS = ['家', '所', '间', '座'];

/** Names that are ordinary words in front of 小区/花园/村 …, not estates ("隔壁小区", "屋顶花园", "城中村"). */
const NOT_NAMES = new Set([
  '希望', '麻烦', '需要', '公共', '屋顶', '楼顶', '隔壁', '城中', '安置', '回迁', '老旧', '私家', '居民', '住宅',
  '商品', '中心', '儿童', '空中', '别人', '人家', '大家', '所有', '整片', '中庭', '高档', '新建', '周边', '一个',
  '回家', '十字', '丁字', '两天',
]);

/** Endings that make a 路/街 word ordinary ("过马路", "横穿马路"), whatever comes before. */
const ORDINARY_ROADS = ['马路', '公路', '道路', '大路', '小路', '山路', '水路', '岔路', '大街', '小街', '小巷'];

const ZH_DIGIT: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const ZH_NUMERAL = '零〇一二三四五六七八九十百';
const NUM = `(?:[0-9]{1,3}|[一二三四五六七八九十]{1,3})`;

/** Arabic digits for a written number: "十二" → "12", "二十八" → "28", "四零二" → "402", "08" → "08". */
function arabicNumber(written: string): string {
  if (/^[0-9]+$/.test(written)) return written;
  if (!/[十百]/.test(written)) return [...written].map((c) => String(ZH_DIGIT[c] ?? c)).join('');
  let total = 0;
  let current = 0;
  for (const c of written) {
    if (c === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else if (c === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else current = ZH_DIGIT[c] ?? 0;
  }
  return String(total + current);
}

/** Full-width digits, letters, hyphen and space to their ASCII forms, one character for one so positions hold. */
function halfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/**
 * An estate name in the form used to compare it: full-width to ASCII and the phase number in Arabic digits
 * ("嘉禾里三期" → "嘉禾里3期", "龙湖花园Ｂ区" → "龙湖花园B区"). The name itself stays as written.
 */
export function normaliseEstateName(name: string): string {
  return halfWidth(name.trim()).replace(
    new RegExp(`([0-9${ZH_NUMERAL}]+)(期|区|组)`, 'gu'),
    (_, n: string, marker: string) => `${arabicNumber(n)}${marker}`,
  );
}

/** The spot word a spot ends in, its kind, and whether a name comes with it ("滨河公园" is named, "公园" is not). */
export function describeSpot(spot: string): { word: string; kind: SpotKind; named: boolean } | null {
  const word = SPOT_BY_LENGTH.find((w) => spot.endsWith(w));
  if (!word) return null;
  return { word, kind: SPOT_WORDS[word], named: spot.length > word.length };
}

type PartKind = 'estate' | 'road' | 'number' | 'building' | 'unit' | 'room' | 'floor' | 'gate' | 'spot' | 'filler';

interface Part {
  kind: PartKind;
  start: number;
  end: number;
  value: string;
  /**
   * A road written with its junction ("嘉禾路口"); a room marked with 室; a floor written 一层 or a building
   * written 一栋, which count only next to what makes them one (weak, see keepInContext).
   */
  flag?: 'junction' | 'marked' | 'weak';
}

const SPOT_BY_LENGTH = Object.keys(SPOT_WORDS).sort((a, b) => b.length - a.length);
const LANDMARK_WORDS = SPOT_BY_LENGTH.filter((w) => SPOT_WORDS[w] === 'landmark');
const OTHER_SPOT_WORDS = SPOT_BY_LENGTH.filter((w) => SPOT_WORDS[w] !== 'landmark');

/** How much each part says about where to go; the phrase that says most is the place. */
const WEIGHT: Readonly<Record<PartKind, number>> = {
  estate: 4, building: 4, road: 3, number: 3, gate: 2, unit: 2, room: 1, floor: 1, spot: 1, filler: 0,
};

// 里 and 城 end too many ordinary words (楼道里, 进城) to be taken alone: an estate so named must be followed by
// something only an estate has (a phase, a building, 小区, a gate, a school of its own).
const ESTATE_FOLLOW =
  `(?=(?:[0-9A-Z]+|[${ZH_NUMERAL}]+)(?:期|区|组|栋|幢|座|号楼|单元)|小区|社区` +
  `|(?:[东南西北正后侧前大]|[0-9]{1,2}号)门|${LANDMARK_WORDS.join('|')})`;
const PHASE = `(?:(?:[0-9]{1,2}|[${ZH_NUMERAL}]{1,3}|[A-Z])(?:期|区|组))`;

const ESTATE = new RegExp(
  `(${NAME}{1,10})(?:(苑|花园|家园|公寓|新村|山庄|华庭|华府|公馆|大院|小镇)|(里|城)${ESTATE_FOLLOW}` +
    `|(村)(?![头口里上民委干子庄]))${PHASE}?(?:小区|社区)?|(${NAME}{1,10})(小区|社区)`,
  'gu',
);
/** 新街, 老街, 后街: the streets a single character names. */
const ONE_CHARACTER_STREETS = '新老东西南北正后前中';
const ROAD = new RegExp(
  `(?:(${NAME}{2,10})(大道|路|街|巷)|([一二三四五六七八九十0-9]{1,3})(号路|巷)` +
    `|(?<=^|[^\\u4e00-\\u9fff]|[在到从去往过路街巷和与跟同及])([${ONE_CHARACTER_STREETS}])(街))` +
    `(?![灯面牌况线费过由子基道坊头])(辅道|辅路|[东西南北中]段)?(口(?![罩水味气子]))?`,
  'gu',
);
const NUMBER = new RegExp(`(?<![0-9])([0-9]{1,4}|[${ZH_NUMERAL}]{1,5})号(院)?(?![楼门线栋座路])`, 'gu');
const BUILDING = new RegExp(
  `(?<![0-9A-Za-z${ZH_NUMERAL}两几这那整哪每同隔另各])` +
    `(?:(${NUM})(?:号楼|号栋|栋|幢)|([0-9]{1,3})座|([A-Z])(?:栋|座|幢|号楼))`,
  'gu',
);
const UNIT = new RegExp(`(?<![0-9${ZH_NUMERAL}])([0-9]{1,2}|[一二三四五六七八九十]{1,3})单元`, 'gu');
const ROOM = new RegExp(
  `(?<![0-9])-?([0-9]{3,4}|[零〇一二三四五六七八九]{3,4})(室|房)?(?![0-9元块点岁米万千%年月日号楼层栋xX])`,
  'gu',
);
/** 8-2-402: building, unit and room in the form on a delivery label. */
const DASHED = /(?<![0-9-])([0-9]{1,2})-([0-9]{1,2})-([0-9]{3,4})(?![0-9-])/g;
const FLOOR = new RegExp(
  `负([一二三四0-9])(?:楼|层)|地下([一二三四0-9])层` +
    `|(?<![0-9${ZH_NUMERAL}两几顶第])([0-9]{1,2}|[一二三四五六七八九十]{1,3})(楼|层)(?![道梯顶房栋盘主])`,
  'gu',
);
const GATE = new RegExp(
  `(?:([东南西北]|正|后|侧|前|大)门|(?<![0-9${ZH_NUMERAL}])([0-9]{1,3}|[${ZH_NUMERAL}]{1,4})号门)(口)?(?![卫诊市])`,
  'gu',
);
const LANDMARK = new RegExp(`(${NAME}{2,5})?(${LANDMARK_WORDS.join('|')})(?![生部])`, 'gu');
const OTHER_SPOT = new RegExp(`(${OTHER_SPOT_WORDS.join('|')})`, 'gu');
const FILLER = /小区|社区/g;

const NAME_CHAR = new RegExp(`^${NAME}$`, 'u');

/**
 * Where a name really starts once leading words are cut: the rightmost cut that leaves nothing or a name of at
 * least `shortest` characters (two for a road, so "从化路" keeps its 从; one for 苑 and for a landmark, which
 * without a name is still its word: 家小超市 → 超市).
 */
function nameStart(name: string, shortest = 2, words = LEADING_WORDS): number {
  for (let end = name.length; end > 0; end--) {
    const rest = name.length - end;
    if (rest > 0 && rest < shortest) continue;
    if (words.some((w) => w.length <= end && name.slice(end - w.length, end) === w)) return end;
  }
  return 0;
}
const LANDMARK_CUTS = [...LEADING_WORDS, ...LANDMARK_LEADING_WORDS];

/**
 * A name read from the middle of a longer run of characters ("放学后一帮小学") is a guess, not a name: the run was
 * longer than a name may be and no leading word marked where the name begins.
 */
function startsMidWord(text: string, index: number, cut: number): boolean {
  return cut === 0 && index > 0 && NAME_CHAR.test(text[index - 1]);
}

function readEstates(text: string, parts: Part[]): void {
  for (const m of text.matchAll(ESTATE)) {
    const written = m[1] ?? m[5];
    const suffix = m[2] ?? m[3] ?? m[4] ?? m[6];
    const min = suffix === '苑' ? 1 : 2;
    const cut = nameStart(written, min);
    const name = written.slice(cut);
    if (name.length < min || NOT_NAMES.has(name) || startsMidWord(text, m.index, cut)) continue;
    const start = m.index + cut;
    const end = m.index + m[0].length;
    parts.push({ kind: 'estate', start, end, value: normaliseEstateName(text.slice(start, end)) });
  }
}

function readRoads(text: string, parts: Part[]): void {
  for (const m of text.matchAll(ROAD)) {
    let start = m.index;
    let name: string;
    if (m[1]) {
      let cut = nameStart(m[1]);
      // "在后街": a one-character street name once the leading word is cut.
      const oneCharacter = m[2] === '街' && ONE_CHARACTER_STREETS.includes(m[1].slice(-1));
      if (cut === 0 && oneCharacter && nameStart(m[1], 1) === m[1].length - 1) cut = m[1].length - 1;
      else if (m[1].length - cut < 2 || NOT_NAMES.has(m[1].slice(cut)) || startsMidWord(text, m.index, cut)) continue;
      start += cut;
      name = m[1].slice(cut) + m[2];
    } else if (m[3]) name = m[3] + m[4];
    else name = m[5] + m[6];
    if (ORDINARY_ROADS.some((w) => name.endsWith(w))) continue;
    const end = m.index + m[0].length;
    parts.push({ kind: 'road', start, end, value: name, ...(m[8] ? { flag: 'junction' as const } : {}) });
  }
}

function readNumbered(text: string, parts: Part[]): void {
  for (const m of text.matchAll(DASHED)) {
    const [b, u] = [m.index, m.index + m[1].length];
    const r = u + 1 + m[2].length;
    parts.push({ kind: 'building', start: b, end: u, value: `${m[1]}栋` });
    parts.push({ kind: 'unit', start: u, end: r, value: `${m[2]}单元` });
    parts.push({ kind: 'room', start: r, end: m.index + m[0].length, value: m[3] });
  }
  for (const m of text.matchAll(NUMBER)) {
    parts.push({ kind: 'number', start: m.index, end: m.index + m[0].length, value: `${arabicNumber(m[1])}号` });
  }
  for (const m of text.matchAll(BUILDING)) {
    const end = m.index + m[0].length;
    // "一栋楼", "一栋三层的房子": 一栋 is "a building" unless an estate names whose.
    const weak = m[1] === '一' ? { flag: 'weak' as const } : {};
    parts.push({ kind: 'building', start: m.index, end, value: `${m[3] ?? arabicNumber(m[1] ?? m[2])}栋`, ...weak });
  }
  for (const m of text.matchAll(UNIT)) {
    parts.push({ kind: 'unit', start: m.index, end: m.index + m[0].length, value: `${arabicNumber(m[1])}单元` });
  }
  for (const m of text.matchAll(ROOM)) {
    const flag = m[2] === '室' ? { flag: 'marked' as const } : {};
    parts.push({ kind: 'room', start: m.index, end: m.index + m[0].length, value: arabicNumber(m[1]), ...flag });
  }
  for (const m of text.matchAll(FLOOR)) {
    const end = m.index + m[0].length;
    const basement = m[1] ?? m[2];
    if (basement) {
      const zh = '〇一二三四'[Number(arabicNumber(basement))];
      parts.push({ kind: 'floor', start: m.index, end, value: `负${zh}楼` });
      continue;
    }
    // "一层灰", "加了一层": 层 after a Chinese numeral is a floor only next to a building or unit.
    const weak = m[4] === '层' && !/^[0-9]/.test(m[3]) ? { flag: 'weak' as const } : {};
    parts.push({ kind: 'floor', start: m.index, end, value: `${arabicNumber(m[3])}楼`, ...weak });
  }
  for (const m of text.matchAll(GATE)) {
    const value = m[1] ? `${m[1]}门` : `${arabicNumber(m[2])}号门`;
    parts.push({ kind: 'gate', start: m.index, end: m.index + m[0].length, value });
  }
}

function readSpots(text: string, parts: Part[]): void {
  for (const m of text.matchAll(LANDMARK)) {
    const end = m.index + m[0].length;
    // The longest word the match ends in: "下雨菜市场" is 菜市场 after 雨, not 市场 after 雨菜.
    const word = describeSpot(m[0])!.word;
    const wordStart = end - word.length;
    const prefix = text.slice(m.index, wordStart);
    // The bare word too, so that "桂香苑幼儿园" can also be read as estate + 幼儿园 (choosePart prefers more parts).
    parts.push({ kind: 'spot', start: wordStart, end, value: word });
    const cut = nameStart(prefix, 1, LANDMARK_CUTS);
    if (prefix.length - cut < 2 || NOT_NAMES.has(prefix.slice(cut)) || startsMidWord(text, m.index, cut)) continue;
    parts.push({ kind: 'spot', start: m.index + cut, end, value: text.slice(m.index + cut, end) });
  }
  for (const m of text.matchAll(OTHER_SPOT)) {
    parts.push({ kind: 'spot', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  for (const m of text.matchAll(FILLER)) {
    parts.push({ kind: 'filler', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
}

/**
 * The parts that do not overlap and cover the most text; on a tie, more parts (estate + 幼儿园 over one
 * "桂香苑幼儿园"). Readers overlap freely (南门口 the gate and 门口 the spot), so the choice is made here, once.
 */
function choosePart(parts: Part[]): Part[] {
  const sorted = [...parts].sort((a, b) => a.end - b.end || a.start - b.start);
  type Best = { covered: number; count: number; chosen: Part[] };
  const best: Best[] = [{ covered: 0, count: 0, chosen: [] }];
  const better = (a: Best, b: Best) => a.covered > b.covered || (a.covered === b.covered && a.count > b.count);
  for (let i = 0; i < sorted.length; i++) {
    const part = sorted[i];
    let previous = 0;
    for (let j = i; j > 0; j--) {
      if (sorted[j - 1].end <= part.start) {
        previous = j;
        break;
      }
    }
    const base = best[previous];
    const withPart: Best = {
      covered: base.covered + part.end - part.start,
      count: base.count + 1,
      chosen: [...base.chosen, part],
    };
    best.push(better(withPart, best[i]) ? withPart : best[i]);
  }
  return best[sorted.length].chosen.sort((a, b) => a.start - b.start);
}

// What may stand between two parts of one place: nothing, 的, a hyphen, a section's 到, or a position word.
// Not a space: chat writers use spaces as commas ("滨江路码头这边 快来人").
const JOIN = /^(?:的|-|到|(?:外面?|里面?|内|旁边?|边上|对面|附近|前面|后面|后头|楼下)的?)?$/u;
const ROAD_JOIN = /^(?:和|与|跟|同|及|交|、|\/)$/u;

function joins(previous: Part, next: Part, gap: string): boolean {
  if (previous.kind === 'road' && next.kind === 'road') return ROAD_JOIN.test(gap) || JOIN.test(gap);
  return JOIN.test(gap);
}

/**
 * Parts that only mean something next to another: a 门牌 number after a road (after a floor, "4楼2号", it is
 * kept as written but names no room), a bare room number after a building or unit, a weak floor or building
 * next to what makes it one. "28号门口" after a road or floor is the door of No. 28, not a gate numbered 28.
 */
function keepInContext(parts: Part[], text: string): Part[] {
  const kept: Part[] = [];
  const queue = [...parts];
  for (let part = queue.shift(); part; part = queue.shift()) {
    const previous = kept[kept.length - 1];
    const next = queue[0];
    const adjacent = previous !== undefined && /^-?$/.test(text.slice(previous.end, part.start));
    const after = (...kinds: PartKind[]) => adjacent && kinds.includes(previous.kind);
    if (part.kind === 'gate' && part.value.endsWith('号门') && after('road', 'floor', 'building', 'unit')) {
      const numberEnd = text.indexOf('号', part.start) + 1;
      const doorway = text.slice(numberEnd, part.end) === '门口';
      const value = part.value.slice(0, -1);
      const number: Part = { kind: 'number', start: part.start, end: doorway ? numberEnd : part.end, value };
      const door: Part[] = doorway ? [{ kind: 'spot', start: numberEnd, end: part.end, value: '门口' }] : [];
      queue.unshift(number, ...door);
      continue;
    }
    if (part.kind === 'number') {
      const digits = part.value.slice(0, -1);
      if (after('road')) kept.push(part);
      // 8栋601号: a room written like a 门牌.
      else if (after('building', 'unit') && /^[0-9]{3,4}$/.test(digits)) kept.push({ ...part, kind: 'room', value: digits });
      else if (after('floor', 'building', 'unit')) kept.push({ ...part, kind: 'filler' });
      continue;
    }
    if (part.kind === 'room' && part.flag !== 'marked') {
      if (after('building', 'unit')) kept.push(part);
      continue;
    }
    if (part.kind === 'building' && part.flag === 'weak') {
      if (after('estate') || (next?.kind === 'unit' && next.start === part.end)) kept.push(part);
      continue;
    }
    if (part.kind === 'floor' && part.flag === 'weak') {
      if (after('building', 'unit', 'estate')) kept.push(part);
      continue;
    }
    kept.push(part);
  }
  return kept;
}

function phrases(parts: Part[], text: string): Part[][] {
  const groups: Part[][] = [];
  for (const part of parts) {
    const group = groups[groups.length - 1];
    const last = group?.[group.length - 1];
    if (last && joins(last, part, text.slice(last.end, part.start))) group.push(part);
    else groups.push([part]);
  }
  // A phrase of only 门口/人行道 names nowhere ("放在门口"), unless it says whose (小区门口).
  const hasFiller = (g: Part[]) => g.some((p) => p.kind === 'filler');
  return groups.filter((g) => g.some((p) => !isGeneric(p)) || (hasFiller(g) && g.some((p) => p.kind !== 'filler')));
}

function isGeneric(part: Part): boolean {
  return part.kind === 'filler' || (part.kind === 'spot' && describeSpot(part.value)?.kind === 'generic');
}

function score(group: Part[]): number {
  return group.reduce((sum, p) => {
    if (p.kind !== 'spot') return sum + WEIGHT[p.kind];
    const spot = describeSpot(p.value);
    if (spot?.named) return sum + 3;
    return sum + (spot?.kind === 'generic' ? 0.5 : WEIGHT.spot);
  }, 0);
}

function toMention(group: Part[], original: string): PlaceMention {
  const first = (kind: PartKind) => group.find((p) => p.kind === kind)?.value ?? null;
  const roads = group.filter((p) => p.kind === 'road');
  const last = group[group.length - 1];
  const endsAtJunction =
    last.flag === 'junction' || (last.kind === 'spot' && describeSpot(last.value)?.kind === 'junction');
  const junctionRoad = roads.find((r) => r.flag === 'junction');
  return {
    text: original.slice(group[0].start, last.end),
    estate: first('estate'),
    road: roads[0]?.value ?? null,
    crossRoad: endsAtJunction && roads.length >= 2 ? roads[1].value : null,
    number: first('number'),
    building: first('building'),
    unit: first('unit'),
    room: first('room'),
    floor: first('floor'),
    gate: first('gate'),
    spot: first('spot') ?? (junctionRoad ? '路口' : null),
  };
}

/** The place a message names, or null when it names none. When it names several, the one that says most, first on a tie. */
export function extractPlace(text: string): PlaceMention | null {
  const normalised = halfWidth(text);
  const found: Part[] = [];
  readEstates(normalised, found);
  readRoads(normalised, found);
  readNumbered(normalised, found);
  readSpots(normalised, found);
  const groups = phrases(keepInContext(choosePart(found), normalised), normalised);
  let best: Part[] | null = null;
  for (const group of groups) if (!best || score(group) > score(best)) best = group;
  return best ? toMention(best, text) : null;
}
