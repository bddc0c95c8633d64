// Decides whether a new report describes the problem an open incident already tracks, so that five
// neighbours reporting one trapped lift make one incident: same category, same place, alike words, close in time.
// Pure: the caller supplies the place keys (from place extraction) and the clock readings.
import { normaliseText } from '../classify/ruleClassifier';

export interface ReportForMatching {
  category: string;
  /** Equal for the same place (building, road address, gate); null when the report names none. */
  placeKey: string | null;
  text: string;
  at: Date;
}

export interface SameProblemPolicy {
  /** How far apart (either way) two reports may be and still be one problem. A street may set it. */
  windowMs: number;
  /** Similarity at or above which two reports that name the same place are one problem. */
  threshold: number;
  /**
   * The bar when either report names no place. Higher: the words cannot tell a trapped lift in 3栋 from
   * one in 7栋, so only a close retelling is taken as the same problem. Not `Infinity` (never merge),
   * because a neighbour's follow-up in the building's group rarely repeats the place (又停水了).
   */
  thresholdWithoutPlace: number;
  /**
   * The bar when both name the same place and their words share a subject (井盖, 电梯, 路灯 …): the place
   * and the thing already say most of it, and neighbours describe the rest in their own words.
   */
  thresholdSharingSubject: number;
}

const HOUR_MS = 60 * 60 * 1000;

export const DEFAULT_SAME_PROBLEM_POLICY: SameProblemPolicy = {
  windowMs: 24 * HOUR_MS,
  threshold: 0.55,
  thresholdWithoutPlace: 0.65,
  thresholdSharingSubject: 0.25,
};

export interface SameProblemDecision {
  same: boolean;
  /** problemTextSimilarity of the two texts; 0 when the decision did not need it. */
  similarity: number;
  why: string;
}

const NUMERAL = '[\\d一二三四五六七八九十百零两a-z]';

/**
 * Characters that cannot be part of a road's name, so 那块路牌, 过马路, 十字路口 and 整条路 are left alone
 * while 和平路, 枣子湾路28号 and 红旗巷 are taken out.
 */
const NOT_IN_A_NAME = '那这个块条段的了在是有一上下里边把被到去来走过马公道水线电出让绕堵挡占修字口';
const NAME_CHAR = `(?:(?![${NOT_IN_A_NAME}])[\\u4e00-\\u9fa5])`;

/**
 * Where a report says the problem is, removed before comparing: the place key already answers
 * "same place?", and two different problems in 6栋 must not look alike because both say 6栋.
 */
const NAMED_PLACES: RegExp[] = [
  new RegExp(`${NAME_CHAR}{2,3}(?:路|街|大道)(?:\\d+号(?:院|楼)?)?`, 'gu'),
  new RegExp(`${NAME_CHAR}{2,3}巷(?!子)`, 'gu'),
  // 6栋2单元三楼302室, 11幢, 5号楼, 负一楼, 5-302, a bare room number, 这栋.
  new RegExp(`负?${NUMERAL}+(?:栋|幢|号楼|号院|单元|楼|层|室|号|户)`, 'gu'),
  /[这那本]栋|[这那本]幢/gu,
  /\d+(?:-\d+)+/gu,
  /(?<![a-z\d])\d{3,4}(?![\d元块万千])/gu,
  // 锦华苑, 和美家园, 滨江广场.
  /[\u4e00-\u9fa5]{2,4}(?:花园|家园|苑|公寓|新村|广场)/gu,
  // 北门, 后门口.
  /(?:东|南|西|北|正|后|侧)门口?/gu,
];

/** Place words so common they name no particular place (小区, 门口), removed all the same. */
const GENERIC_PLACE_WORDS = /小区|门口/gu;

/** Whether the report names a particular place (a building, an address, an estate, a gate). */
export function namesPlace(text: string): boolean {
  const normalised = normaliseText(text).replace(GENERIC_PLACE_WORDS, ' ');
  return NAMED_PLACES.some((pattern) => new RegExp(pattern.source, 'u').test(normalised));
}

/**
 * Words residents use for the same thing, each group written as one canonical word so that 关人 and
 * 被困 count as alike. Order matters: longer and more specific phrases come first (吵架 before 吵).
 */
const SYNONYMS: [RegExp, string][] = [
  // "Nobody trapped" first, or 没关到人 would read as 关到人.
  [/没(?:有|得)?(?:关到|关了|关|困到|困)人|没(?:有|得)?人(?:被)?(?:困|关)(?:在|到)?(?:里面|里头)?|莫得人关到/gu, '无人被困'],
  [/关人|关了(?:一个|两个|个)?人|关了个|被关|关在里|关起人|关到人|困人|被困|困在|卡住|卡在|卡到/gu, '困人'],
  [/吵架|吵起来|争吵|扯皮|闹翻/gu, '争执'],
  [/噪音|噪声|扰民|太响|好响|大声|吵死|吵得|吵醒|吵/gu, '噪音'],
  [/飞线|拉线|牵线|吊线|插线板|拖线板|拉出来|牵出来|吊下来/gu, '飞线'],
  [/电瓶车|电动车|电平车|电驴/gu, '电瓶车'],
  [/充电|冲电/gu, '充电'],
  [/漏水|渗水|滴水|冒水/gu, '漏水'],
  [/停电|没电|断电/gu, '停电'],
  [/停水|没水|断水/gu, '停水'],
  // 路灯不亮 / 路灯坏了 / 路灯黑了: one complaint; 黑 alone is not (黑车, 黑烟).
  [/(?:路灯|灯)(?:又|也|都|还)?(?:不亮|坏了|坏咗|坏|黑了|熄了|没亮)|不亮|黑黢黢|黑漆漆|没灯|莫得灯/gu, '灯不亮'],
  [/没了|丢了|被偷|偷了|塌了|翻了|不见了|莫得了|没得了|没有了/gu, '缺失'],
  [/堵死|堵完|堵了|占完|占了|挡完|挡住|停满|摆满|堵|占|挡/gu, '堵占'],
  [/坏了|坏咗|烂了|烂完|坏掉|失灵|用不了|刷不开|打不开|开不了|没反应/gu, '损坏'],
  [/煤气|天然气|燃气|煤汽|液化气/gu, '燃气'],
  [/着火|起火|烧起来|冒烟|失火/gu, '着火'],
  [/滑坡|塌方|垮塌|垮/gu, '垮塌'],
  [/安全出口|安全通道|消防通道|消防出口/gu, '消防通道'],
  [/小娃儿|娃娃|娃儿|小孩|孩子|小朋友|孙孙/gu, '小孩'],
  [/老年人|老人家|老太太|婆婆|爷爷|大爷|奶奶|老人/gu, '老人'],
  [/晕倒|摔倒|跌倒|倒在地上|倒地|摔了|起不来|爬不起来/gu, '倒地'],
  [/拉肚子|拉稀|上吐下泻|腹泻|呕吐/gu, '腹泻'],
  [/诈骗|被骗|骗子|骗/gu, '被骗'],
  [/红绿灯|信号灯|交通灯/gu, '红绿灯'],
  [/落水|掉水里|掉河头|掉河里|溺水/gu, '落水'],
  [/游泳|耍水|下水|冬泳/gu, '游泳'],
  [/莫得|没得|没有|冇/gu, '没有'],
];

/**
 * Phrases that say nothing about which problem it is (asking, urging, addressing), taken out before the
 * synonyms so that 有没有人管 does not leave a 没有 behind.
 */
const FILLER_PHRASES =
  /请问|麻烦|有没有人管|有没有人|有没有|能不能|可不可以|是不是|不晓得|随手拍|紧急|快来人|快点|赶紧|一下|大家|各位|邻居们?|谢谢|社区|网格员|物业|这边|那边|这里|那里|这个|那个|我们|你们|他们|我家|咋个|咋整|怎么|啥子|什么|哪个|好大|好多|得很|天天|每天|(?<!没)有人/gu;

/** Particles, pronouns and intensifiers, taken out after the synonyms (which need the 了 in 坏了). */
const FILLER_CHARACTERS = /[咋太很又还都就在了吧呢啊哦嘛呀啦哈咯嗯哎唉的得我他她你]/gu;

/** Emoji, punctuation and anything else that is neither a Chinese character, a letter nor a digit. */
const NOT_A_WORD = /[^\u4e00-\u9fa5a-z0-9\uE000-\uE0FF]+/gu;

/** Stands in for the i-th canonical word while later patterns run, so none of them rewrites it. */
const heldCanonical = (index: number): string => ` ${String.fromCharCode(0xe000 + index)} `;
const HELD_CANONICAL = /[\uE000-\uE0FF]/gu;

/** The words of a report that describe its problem: place, @-mentions, filler and punctuation out, synonyms merged. */
export function problemWords(text: string): string {
  let words = normaliseText(text).replace(GENERIC_PLACE_WORDS, ' ');
  for (const pattern of NAMED_PLACES) words = words.replace(pattern, ' ');
  words = words.replace(FILLER_PHRASES, ' ');
  SYNONYMS.forEach(([pattern], index) => (words = words.replace(pattern, heldCanonical(index))));
  return words
    .replace(FILLER_CHARACTERS, ' ')
    .replace(NOT_A_WORD, ' ')
    .replace(HELD_CANONICAL, (held) => ` ${SYNONYMS[held.charCodeAt(0) - 0xe000][1]} `)
    .replace(/\s+/gu, ' ')
    .trim();
}

const CANONICAL_WORDS: ReadonlySet<string> = new Set(SYNONYMS.map(([, canonical]) => canonical));

/**
 * Characters too common in reports of every kind to say two are alike (人, 有, 不, 好, 大 …); a report
 * of a trapped lift and one of a broken gate both have them.
 */
const COMMON_CHARACTERS = new Set(Array.from('人有不没好大个一上下里来去说到着过家面边头是也要会能就那这么点些几多少'));

/**
 * What two reports are compared on: each canonical word as one unit, every other Chinese character on
 * its own, and latin or digit runs (ktv, 9.9, a link) whole. Single characters rather than bigrams,
 * because residents re-word freely (鸭粪/鸭屎, 塔吊还在吊/塔吊还在作业) and a bigram misses those.
 */
function problemUnits(words: string): Set<string> {
  const units = new Set<string>();
  for (const run of words.split(' ')) {
    if (CANONICAL_WORDS.has(run)) {
      units.add(`#${run}`);
      continue;
    }
    for (const piece of run.match(/[\u4e00-\u9fa5]+|[a-z0-9]+/gu) ?? []) {
      if (/^[a-z0-9]/u.test(piece)) units.add(piece);
      else for (const char of piece) if (!COMMON_CHARACTERS.has(char)) units.add(char);
    }
  }
  return units;
}

/** 0..1: how alike two report texts are as descriptions of a problem (not of a place). */
export function problemTextSimilarity(a: string, b: string): number {
  if (normaliseText(a) === normaliseText(b)) return 1;
  const unitsA = problemUnits(problemWords(a));
  const unitsB = problemUnits(problemWords(b));
  if (unitsA.size === 0 || unitsB.size === 0) return 0;
  let shared = 0;
  for (const unit of unitsA) if (unitsB.has(unit)) shared += 1;
  // Dice: shared units over the two reports' units together, so a long report is not alike to everything.
  return (2 * shared) / (unitsA.size + unitsB.size);
}

/**
 * Fixed things residents report problems with, each with the words they call it by. Two reports at one
 * place naming the same thing (the 井盖 of 8栋) are most likely one problem, however differently they tell
 * the rest. Not animals or doors: a stray dog and a neighbour's dog, a broken gate and a lock, are two.
 */
const SUBJECTS: [RegExp, string][] = [
  [/井盖|窨井盖|下水道盖|盖板/u, '井盖'],
  [/电梯|梯子卡|轿厢/u, '电梯'],
  [/路灯|声控灯|楼道灯|灯泡/u, '灯'],
  [/化粪池|粪池|粪水/u, '化粪池'],
  [/下水道|雨水井|雨水口|排水沟|篦子|地漏|管道堵/u, '排水'],
  [/水管|自来水管|供水管|爆管/u, '水管'],
  [/燃气|天然气|煤气|液化气|燃起/u, '燃气'],
  [/外墙|瓷砖|墙皮|抹灰|砂浆/u, '外墙'],
  [/挡墙|挡土墙|护坡|堡坎/u, '挡墙'],
  [/护栏|栏杆|围栏/u, '护栏'],
  [/树枝|大树|树子|倒树/u, '树'],
  [/电线|飞线|网线|电话线|线缆/u, '线缆'],
  [/电瓶车|电动车|电驴/u, '电瓶车'],
  [/消防通道|消防车道|安全出口|楼梯间/u, '消防通道'],
  [/红绿灯|信号灯/u, '红绿灯'],
  [/广场舞|音响|喇叭|KTV|ktv/u, '音响'],
  [/垃圾桶|垃圾站|垃圾箱|垃圾堆|建筑垃圾|装修垃圾/u, '垃圾'],
  [/油烟|排烟|烟道/u, '油烟'],
  [/监控|摄像头/u, '监控'],
  [/停车|占道|车位/u, '停车'],
];

/** The thing both reports name (井盖, 电梯, 路灯 …), or null when they name none in common. */
export function sharedSubject(a: string, b: string): string | null {
  const namedIn = (text: string) => new Set(SUBJECTS.filter(([words]) => words.test(normaliseText(text))).map(([, subject]) => subject));
  const inB = namedIn(b);
  for (const subject of namedIn(a)) if (inB.has(subject)) return subject;
  return null;
}

export function isSameProblem(
  open: ReportForMatching,
  incoming: ReportForMatching,
  policy: SameProblemPolicy = DEFAULT_SAME_PROBLEM_POLICY,
): SameProblemDecision {
  if (open.category !== incoming.category) {
    return { same: false, similarity: 0, why: `different categories (${open.category}, ${incoming.category})` };
  }
  const apartMs = Math.abs(incoming.at.getTime() - open.at.getTime());
  if (apartMs > policy.windowMs) {
    return { same: false, similarity: 0, why: `${formatHours(apartMs)} apart, beyond the ${formatHours(policy.windowMs)} window` };
  }
  const bothPlaced = open.placeKey !== null && incoming.placeKey !== null;
  if (bothPlaced && open.placeKey !== incoming.placeKey) {
    return { same: false, similarity: 0, why: `different places (${open.placeKey}, ${incoming.placeKey})` };
  }
  const similarity = problemTextSimilarity(open.text, incoming.text);
  const subject = bothPlaced ? sharedSubject(open.text, incoming.text) : null;
  const threshold = subject ? policy.thresholdSharingSubject : bothPlaced ? policy.threshold : policy.thresholdWithoutPlace;
  const where = subject ? `same place (${open.placeKey}) and subject (${subject})` : bothPlaced ? `same place (${open.placeKey})` : 'a place not named by both';
  const same = similarity >= threshold;
  return {
    same,
    similarity,
    why: `${where}: words ${similarity.toFixed(2)} ${same ? '≥' : '<'} ${threshold}`,
  };
}

function formatHours(ms: number): string {
  return `${(ms / HOUR_MS).toFixed(1)} h`;
}
