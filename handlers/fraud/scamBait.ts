// 反诈: decides whether a message posted into a resident group is scam bait (涉诈信息) and which kind, so the bot
// can warn the group and alert community police. What bait looks like is data (seeds/scam-types.json, which a
// street edits); this module only reads it, normalises the text and adds up the evidence.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';

const patternList = z.array(z.string().min(1)).min(1);

const fileSchema = z.object({
  typePatternWeight: z.number().positive(),
  thresholds: z.object({
    bait: z.number().positive(),
    baitWhenClassifiedScam: z.number().positive(),
    baitWithoutTypeWhenClassifiedScam: z.number().positive(),
  }),
  classifier: z.object({ lowersTheBar: z.array(z.string().min(1)), stopsIt: z.array(z.string().min(1)) }),
  signals: z.array(
    z.object({
      code: z.string().regex(/^[a-z_]+$/),
      name: z.string().min(1),
      weight: z.number().positive(),
      patterns: patternList,
      alsoWhenImageAttached: z.boolean().optional(),
    }),
  ),
  warningWords: patternList,
  victimWords: patternList,
  doubtWords: patternList,
  types: z
    .array(z.object({ code: z.string().regex(/^[a-z_]+$/), name: z.string().min(1), patterns: patternList, advice: z.string().min(1) }))
    .min(1),
});

export type ScamTypesFile = z.infer<typeof fileSchema>;

interface CompiledType {
  code: string;
  name: string;
  advice: string;
  patterns: RegExp[];
}

interface CompiledSignal {
  code: string;
  name: string;
  weight: number;
  patterns: RegExp[];
  alsoWhenImageAttached: boolean;
}

/** Wording that proves the message is not bait, whatever else it contains. */
interface Stop {
  name: string;
  patterns: RegExp[];
}

/** seeds/scam-types.json, validated and compiled. */
export interface ScamTypes {
  readonly typePatternWeight: number;
  readonly thresholds: ScamTypesFile['thresholds'];
  readonly lowersTheBar: ReadonlySet<string>;
  readonly stopsIt: ReadonlySet<string>;
  readonly types: readonly CompiledType[];
  readonly signals: readonly CompiledSignal[];
  readonly stops: readonly Stop[];
}

export interface ScamMessage {
  text: string;
  hasImage?: boolean;
  /** The text classifier's category (scam_content, fraud_report, chat, consult or an incident), when it has run. */
  classifiedAs?: string | null;
}

export interface ScamVerdict {
  isBait: boolean;
  /** The evidence added up, before any warning, victim or doubt wording stopped it. */
  score: number;
  /** The kind of bait, when it is bait and a kind matched (the classifier alone may call it bait with no kind). */
  type: { code: string; name: string; advice: string } | null;
  /** Human-readable evidence, e.g. '刷单返利', '链接', '二维码', and what stopped it ('反诈提醒'). */
  signals: string[];
}

/**
 * Validates and compiles the scam-types data. Every complaint names the entry it is about (the type's or
 * signal's code), since the person fixing it is a street editing JSON by hand.
 */
export function loadScamTypes(json: unknown, origin = 'scam types'): ScamTypes {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ✖ ${describeIssue(json, issue.path)}: ${issue.message}`);
    throw new Error(`${origin} are invalid:\n${problems.join('\n')}`);
  }
  const data = parsed.data;
  const duplicate = data.types.map((t) => t.code).find((code, i, codes) => codes.indexOf(code) !== i);
  if (duplicate) throw new Error(`${origin}: type "${duplicate}" is listed twice`);
  const compileAll = (sources: string[], entry: string) => sources.map((source, i) => compilePattern(source, `${origin}: ${entry} pattern ${i + 1}`));
  return {
    typePatternWeight: data.typePatternWeight,
    thresholds: data.thresholds,
    lowersTheBar: new Set(data.classifier.lowersTheBar),
    stopsIt: new Set(data.classifier.stopsIt),
    types: data.types.map((t) => ({ code: t.code, name: t.name, advice: t.advice, patterns: compileAll(t.patterns, `type "${t.code}"`) })),
    signals: data.signals.map((s) => ({
      code: s.code,
      name: s.name,
      weight: s.weight,
      patterns: compileAll(s.patterns, `signal "${s.code}"`),
      alsoWhenImageAttached: s.alsoWhenImageAttached ?? false,
    })),
    stops: [
      { name: '反诈提醒', patterns: compileAll(data.warningWords, 'warningWords') },
      { name: '受害求助', patterns: compileAll(data.victimWords, 'victimWords') },
      { name: '居民询问或转述', patterns: compileAll(data.doubtWords, 'doubtWords') },
    ],
  };
}

export const SCAM_TYPES_FILE = fromProjectRoot('seeds', 'scam-types.json');

export function loadScamTypesFile(file = SCAM_TYPES_FILE): ScamTypes {
  return loadScamTypes(JSON.parse(readFileSync(file, 'utf8')), `scam types ${file}`);
}

let shipped: ScamTypes | undefined;

/** The shipped seeds/scam-types.json, read and checked on first use. */
export function defaultScamTypes(): ScamTypes {
  shipped ??= loadScamTypesFile();
  return shipped;
}

function compilePattern(source: string, where: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    throw new Error(`${where} /${source}/ does not compile: ${(error as Error).message}`);
  }
}

/** "type \"loan\" (types[2]).advice" rather than a bare path, so the entry can be found in the file. */
function describeIssue(json: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the file)';
  const [list, index, ...rest] = path;
  const entries = (json as Record<string, unknown> | null)?.[String(list)];
  if (typeof index === 'number' && Array.isArray(entries)) {
    const code = (entries[index] as { code?: unknown } | undefined)?.code;
    const kind = list === 'types' ? 'type' : list === 'signals' ? 'signal' : String(list);
    const named = typeof code === 'string' ? `${kind} "${code}" (${String(list)}[${index}])` : `${String(list)}[${index}]`;
    return rest.length ? `${named}.${rest.map(String).join('.')}` : named;
  }
  return path.map(String).join('.');
}

/**
 * Bait evidence, added up: each pattern of the best-matching type, each signal once. Any warning, victim or
 * doubt wording — or the classifier calling it a fraud report — means it is not bait: those are residents
 * warning, reporting or asking, and a false alarm accuses a neighbour in front of the whole group.
 */
export function detectScamBait(message: ScamMessage, scamTypes: ScamTypes = defaultScamTypes()): ScamVerdict {
  const forms = textForms(message.text);
  const best = bestType(scamTypes.types, forms);
  const present = scamTypes.signals.filter((s) => (s.alsoWhenImageAttached && message.hasImage === true) || matchesAny(s.patterns, forms));
  const signalScore = present.reduce((sum, s) => sum + s.weight, 0);
  const score = round((best?.hits ?? 0) * scamTypes.typePatternWeight + signalScore);

  const classifiedAs = message.classifiedAs ?? null;
  const stoppedBy = scamTypes.stops.filter((stop) => matchesAny(stop.patterns, forms)).map((stop) => stop.name);
  if (classifiedAs && scamTypes.stopsIt.has(classifiedAs)) stoppedBy.push(`分类: ${classifiedAs}`);
  const isClassifiedScam = classifiedAs !== null && scamTypes.lowersTheBar.has(classifiedAs);

  const { thresholds } = scamTypes;
  const isEnough = best
    ? score >= (isClassifiedScam ? thresholds.baitWhenClassifiedScam : thresholds.bait)
    : isClassifiedScam && signalScore >= thresholds.baitWithoutTypeWhenClassifiedScam;
  const isBait = isEnough && stoppedBy.length === 0;

  const signals = [
    ...(best ? [best.type.name] : []),
    ...present.map((s) => s.name),
    ...(isClassifiedScam ? [`分类: ${classifiedAs}`] : []),
    ...stoppedBy,
  ];
  const type = isBait && best ? { code: best.type.code, name: best.type.name, advice: best.type.advice } : null;
  return { isBait, score, type, signals };
}

/** The type with the most patterns matching (ties go to the type listed first), or null when none matches. */
function bestType(types: readonly CompiledType[], forms: TextForms): { type: CompiledType; hits: number } | null {
  let best: { type: CompiledType; hits: number } | null = null;
  for (const type of types) {
    const hits = type.patterns.filter((p) => matches(p, forms)).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { type, hits };
  }
  return best;
}

/**
 * The same bait posted in another group or by another sender gives the same string: NFKC, lower case,
 * traditional characters simplified, spaces, punctuation and emoji removed; links kept (without scheme,
 * www., query string or fragment, since tracking parameters differ per post) so different landing pages differ.
 */
export function scamFingerprint(text: string): string {
  const readable = readableText(text);
  let fingerprint = '';
  let from = 0;
  for (const link of readable.matchAll(LINK)) {
    fingerprint += squeeze(readable.slice(from, link.index));
    fingerprint += canonicalLink(link[0]);
    from = link.index + link[0].length;
  }
  return fingerprint + squeeze(readable.slice(from));
}

const TLD = 'com|cn|net|org|top|vip|cc|xyz|club|site|shop|info|me|io|link|app|icu|fun|ltd|wang|online|live|pro|tv|co|biz|work|ink|asia|store|tech|cloud';
/** A web address written with or without a scheme; its path is ASCII so the Chinese after it is not swallowed. */
const LINK = new RegExp(
  `(?:https?://)?(?:[a-z0-9-]+\\.)+(?:${TLD})(?![a-z0-9-])(?::\\d+)?(?:/[a-z0-9\\-._~%!$&'()*+,;=:@/]*)?(?:\\?[a-z0-9\\-._~%!$&'()*+,;=:@/?]*)?(?:#[a-z0-9\\-._~%!$&'()*+,;=:@/?#]*)?`,
  'gu',
);

function canonicalLink(link: string): string {
  return link
    .replace(/^https?:\/\//u, '')
    .replace(/^www\./u, '')
    .replace(/[?#].*$/u, '')
    .replace(/[/.,;:!)]+$/u, '');
}

interface TextForms {
  /** NFKC, lower case, simplified, whitespace collapsed: links, numbers and ids read as written. */
  readable: string;
  /**
   * `readable` without links, spaces, punctuation or emoji: 刷 单, 刷*单 and 刷👉单 all read 刷单. Links go
   * first, or a squeezed address (http://lq-vip.top → httplqviptop) would read as a WeChat id or a number.
   */
  squeezed: string;
}

function textForms(text: string): TextForms {
  const readable = readableText(text);
  return { readable, squeezed: squeeze(readable.replace(LINK, ' ')) };
}

function readableText(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase()).replace(/\s+/gu, ' ').trim();
}

function squeeze(text: string): string {
  return text.replace(/[\s\p{P}\p{S}\p{Z}\p{C}\p{M}]/gu, '');
}

/** A pattern matches the text as written or squeezed: data authors need not guess which one bait uses. */
function matches(pattern: RegExp, forms: TextForms): boolean {
  return pattern.test(forms.readable) || pattern.test(forms.squeezed);
}

function matchesAny(patterns: readonly RegExp[], forms: TextForms): boolean {
  return patterns.some((p) => matches(p, forms));
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Traditional → simplified for the characters bait vocabulary uses (pairs: traditional then simplified).
 * Bait is often reposted from Hong Kong or Taiwan sources, or written in traditional to slip past keyword
 * filters; the patterns are written once, in simplified. Not a general converter (one-to-many cases such
 * as 乾/幹 and 著 are left alone).
 */
const TRADITIONAL_TO_SIMPLIFIED = new Map(
  (
    '單单 點点 讚赞 贊赞 關关 註注 賺赚 結结 貸贷 徵征 無无 證证 額额 獎奖 補补 貼贴 掃扫 碼码 認认 凍冻 帳账 賬账 ' +
    '戶户 錢钱 領领 會会 員员 費费 醫医 險险 國国 發发 網网 絡络 銀银 號号 這这 個个 們们 為为 給给 買买 賣卖 遊游 ' +
    '戲戏 裝装 備备 擊击 連连 鏈链 請请 盡尽 時时 過过 當当 長长 內内 薦荐 營营 與与 從从 價价 檢检 歡欢 機机 僅仅 ' +
    '邊边 業业 專专 禮礼 紅红 傳传 後后 車车 資资 產产 財财 幣币 區区 塊块 穩稳 賠赔 寶宝 媽妈 學学 黨党 動动 經经 ' +
    '驗验 訊讯 聯联 係系 繫系 詢询 電电 話话 線线 務务 職职 實实 優优 隊队 滿满 數数 據据 頭头 門门 問问 題题 見见 ' +
    '視视 頻频 讀读 寫写 確确 書书 達达 處处 辦办 體体 質质 廣广 東东 顧顾 閱阅 覽览 詳详 細细 償偿 還还 債债 撥拨 ' +
    '轉转 將将 鎖锁 稅税 統统 氣气 熱热 場场 樓楼 層层 齡龄 養养 爺爷 孫孙 親亲 愛爱 開开 閉闭 兌兑 換换 幫帮 輔辅 ' +
    '導导 師师 漲涨 殺杀 豬猪 盤盘 龍龙 萬万 億亿 讓让 說说 識识 護护 腦脑 設设 計计 訂订 購购 貨货 運运 遞递 郵邮 ' +
    '丟丢 損损 壞坏 偽伪 僞伪 稱称 騙骗 詐诈 報报 預预 謹谨 總总 飛飞 聽听 講讲 雞鸡 麵面 藥药 療疗 歲岁 憑凭 樂乐 ' +
    '權权 選选 擇择 舉举 現现 歷历 錄录 際际 環环 壓压 勞劳 緊紧 隨随 類类 則则 應应 該该 貴贵 錯错 鋪铺 銷销 鎮镇 ' +
    '閃闪 間间 雙双 雜杂 離离 難难 靈灵 頁页 頂顶 項项 順顺 須须 顆颗 顏颜 願愿 風风 飯饭 飲饮 餘余 館馆 駕驾 騎骑 ' +
    '髮发 鬧闹 麗丽 齊齐 淨净 減减 測测 濟济 潔洁 濕湿 災灾 烏乌 煙烟 燈灯 爭争 牆墙 狀状 獨独 獲获 畫画 異异 盜盗 ' +
    '監监 眾众 種种 窮穷 競竞 筆笔 簡简 簽签 糧粮 紀纪 約约 級级 紙纸 終终 組组 絕绝 絲丝 綁绑 綠绿 維维 緣缘 編编 ' +
    '練练 縣县 績绩 繳缴 續续 罰罚 義义 習习 聞闻 聲声 膽胆 臉脸 興兴 舊旧 藝艺 節节 華华 葉叶 蓋盖 藍蓝 蘋苹 虛虚 ' +
    '衛卫 衝冲 裡里 製制 複复 規规 覺觉 觀观 記记 訪访 許许 訴诉 診诊 試试 語语 誠诚 誤误 誰谁 課课 調调 談谈 諮咨 ' +
    '論论 謝谢 議议 變变 豐丰 負负 貧贫 販贩 責责 貿贸 賞赏 賴赖 賽赛 贈赠 趕赶 軍军 軟软 載载 輕轻 輛辆 輸输 農农 ' +
    '進进 違违 遠远 適适 遺遗 鄉乡 鄰邻 釋释 針针 鈔钞 鋼钢 鍵键 鐵铁 闆板 階阶 隻只 頻频 條条 極极 構构 標标 樣样 ' +
    '歸归 殘残 決决 沒没 灣湾 爾尔 畢毕 範范 紹绍 緩缓 縮缩 繼继 羅罗 臨临 術术 託托 誘诱 諾诺 謊谎 譯译 趨趋 較较 ' +
    '輪轮 辭辞 遲迟 釣钓 鍋锅 陸陆 雲云 靜静 響响 驅驱 驚惊 鮮鲜 鹽盐 麥麦 僑侨 儲储 兒儿 兩两 創创 劃划 勁劲 勝胜 ' +
    '勢势 匯汇 協协 卻却 參参 嚴严 圍围 園园 圖图 團团 圓圆 執执 堅坚 塗涂 墊垫 壯壮 壽寿 夠够 夢梦 奪夺 婦妇 寧宁 ' +
    '審审 尋寻 對对 屬属 島岛 帥帅 帶带 廠厂 廢废 廳厅 張张 強强 彈弹 徑径 復复 恆恒 悅悦 惡恶 態态 慘惨 慣惯 慶庆 ' +
    '憂忧 懷怀 懸悬 戰战 掛挂 採采 揚扬 搖摇 搶抢 擁拥 擋挡 擔担 擠挤 擴扩 擺摆 擾扰 攜携 敗败 敵敌 斷断 於于 暫暂 ' +
    '曉晓 來来 楊杨 榮荣 槍枪 樹树 橋桥 檔档 櫃柜 歐欧 毆殴 況况 洩泄 淺浅 湯汤 溫温 滅灭 滯滞 漁渔 潛潜 濃浓 瀏浏 ' +
    '灑洒 煉炼 燒烧 爐炉 獄狱 療疗 瘋疯 癒愈 礙碍 禍祸 積积 竊窃 籃篮 紋纹 納纳 紛纷 紡纺 綜综 締缔 緯纬 縫缝 縱纵 ' +
    '繞绕 繪绘 纏缠 聯联 肅肃 腎肾 臟脏 臺台 艱艰 蝦虾 襯衬 覓觅 評评 詭诡 誌志 誣诬 諒谅 諧谐 謎谜 謠谣 譽誉 贏赢 ' +
    '躍跃 輩辈 轄辖 辯辩 遜逊 邁迈 醜丑 釘钉 鈕钮 錦锦 鏡镜 鐘钟 鍾钟 鑰钥 閣阁 闖闯 陣阵 陳陈 陰阴 陽阳 隱隐 韋韦 ' +
    '頑顽 頓顿 顯显 飄飘 飽饱 饒饶 駐驻 騰腾 魚鱼 鳥鸟 鳴鸣 麼么 黃黄 儘尽 價价 儀仪 傷伤 偵侦 側侧 倉仓 倆俩 倫伦 ' +
    '偉伟 傾倾 僱雇 亞亚 亂乱 貓猫 寵宠 絡络 權权 彙汇 擬拟 攝摄 曆历 濾滤 盞盏 睜睁 禦御 篩筛 糾纠 紐纽 純纯 ' +
    '緒绪 繩绳 聰聪 膚肤 蕭萧 蘆芦 蠟蜡 襪袜 討讨 訓训 訣诀 誇夸 謀谋 謂谓 豎竖 軌轨 轟轰 鄭郑 醬酱 鈣钙 鋁铝 錶表 ' +
    '鍛锻 閩闽 闊阔 霧雾 頒颁 颱台 餅饼 饋馈 髒脏 魯鲁 黴霉'
  )
    .split(' ')
    .map((pair) => [...pair] as [string, string]),
);

function toSimplified(text: string): string {
  let out = '';
  for (const char of text) out += TRADITIONAL_TO_SIMPLIFIED.get(char) ?? char;
  return out;
}
