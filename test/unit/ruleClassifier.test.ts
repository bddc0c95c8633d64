// The rule classifier: accuracy floors on the labelled dev set, our own held-out set and the blind sets, the
// distinctions the taxonomy draws (fire lane cars vs clutter, lift entrapment vs breakdown, gas leak
// vs supply fault, scam bait vs scam victim), and clear errors for a broken rules file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromProjectRoot } from '../../config/projectRoot';
import {
  evaluateClassifier,
  formatEvaluation,
  formatMisses,
  readLabelledJsonl,
  type Evaluation,
} from '../../handlers/classify/evaluate';
import {
  RuleClassifier,
  loadClassifierRules,
  normaliseText,
  parseClassifierRules,
  type ClassifierRules,
} from '../../handlers/classify/ruleClassifier';
import type { Classification, Classifier } from '../../handlers/classify/types';
import { loadTaxonomy } from '../../seeds/taxonomy';

const taxonomy = loadTaxonomy();
const classifier = new RuleClassifier(taxonomy);
const classify = (text: string): Classification => classifier.classifyText(text);

function rulesCopy(): ClassifierRules {
  return JSON.parse(readFileSync(fromProjectRoot('seeds', 'classifier-rules.json'), 'utf8')) as ClassifierRules;
}

function printMisses(label: string, evaluation: Evaluation): string {
  return `${formatEvaluation(label, evaluation)}\n${formatMisses(evaluation)}`;
}

interface LabelledSet {
  file: string;
  /** How many rows the file must hold, so a truncated fixture cannot pass quietly. */
  rows: { exactly?: number; atLeast?: number };
  floors: { category: number; criticalRecall: number; falseIncidents: number };
}

// The dev set carries the floors. The others are looser: our own held-out set, and four sets
// written blind by people who never saw the rules. Each blind set was scored once BEFORE any tuning on it
// (category accuracy / critical recall / chat+consult taken as incidents / urgency accuracy):
//   blind  0.92  / 0.80  / 0.0625 / 0.825  (then: danger now, money moving now, dialect questions)
//   blind2 0.927 / 0.857 / 0.083  / 0.85   (then: a person down anywhere, crime in progress, gas by smell, tips)
//   blind3 0.863 / 0.833 / 0.114  / 0.858  (then: phrasing breadth, people buried, assault, fixed problems)
//   blind4 0.885 / 0.84  / 0.051  / 0.855  (then: vocabulary and typo lists)
// The rules have since been tuned against the kinds of failure each showed, so none is blind any more:
// these tests keep those kinds fixed; generalisation is judged on sets the rules have never seen.
const LABELLED_SETS: LabelledSet[] = [
  { file: 'dev-messages.jsonl', rows: { atLeast: 1 }, floors: { category: 0.9, criticalRecall: 0.95, falseIncidents: 0.05 } },
  { file: 'classifier-holdout-own.jsonl', rows: { atLeast: 100 }, floors: { category: 0.8, criticalRecall: 0.9, falseIncidents: 0.1 } },
  { file: 'classifier-holdout-blind.jsonl', rows: { exactly: 200 }, floors: { category: 0.9, criticalRecall: 0.9, falseIncidents: 0.07 } },
  { file: 'classifier-holdout-blind2.jsonl', rows: { exactly: 220 }, floors: { category: 0.9, criticalRecall: 0.9, falseIncidents: 0.06 } },
  { file: 'classifier-holdout-blind3.jsonl', rows: { exactly: 240 }, floors: { category: 0.9, criticalRecall: 0.9, falseIncidents: 0.06 } },
  { file: 'classifier-holdout-blind4.jsonl', rows: { exactly: 200 }, floors: { category: 0.9, criticalRecall: 0.9, falseIncidents: 0.06 } },
];

describe('rule classifier on labelled sets', () => {
  it.each(LABELLED_SETS)('meets its floors on $file', async ({ file, rows: size, floors }) => {
    const rows = readLabelledJsonl(fromProjectRoot('test', 'fixtures', file));
    const evaluation = await evaluateClassifier(classifier, rows);
    console.log(printMisses(file, evaluation));
    expect(evaluation.total).toBe(rows.length);
    if (size.exactly !== undefined) expect(rows.length).toBe(size.exactly);
    if (size.atLeast !== undefined) expect(rows.length).toBeGreaterThanOrEqual(size.atLeast);
    expect(evaluation.categoryAccuracy).toBeGreaterThanOrEqual(floors.category);
    expect(evaluation.criticalRecall).toBeGreaterThanOrEqual(floors.criticalRecall);
    expect(evaluation.nonIncidentFalseIncidentRate).toBeLessThanOrEqual(floors.falseIncidents);
  });
});

describe('rule classifier behaviour', () => {
  it('sends cars in the fire lane to traffic, and goods piled in it to fire hazards', () => {
    expect(classify('消防通道又被私家车停满了，天天都是').category).toBe('traffic_order');
    expect(classify('有人把车停在单元门口的消防通道上，挪车电话也不接').category).toBe('traffic_order');
    expect(classify('后门消防通道堆满了超市的纸箱和饮料，人都过不去').category).toBe('fire_hazard');
  });

  it('treats someone trapped in a lift as a critical emergency, a broken lift as property service', () => {
    expect(classify('电梯关人了！卡在5楼和6楼中间，物业电话打不通')).toMatchObject({
      category: 'fire_gas_emergency',
      urgency: 'critical',
    });
    expect(classify('电梯又坏了，停了两天了，物业也不来修')).toMatchObject({
      category: 'property_service',
      urgency: 'normal',
    });
  });

  it('tells a gas leak from a gas supply fault', () => {
    expect(classify('楼道里好大一股天然气味道，不晓得哪家漏气了')).toMatchObject({
      category: 'fire_gas_emergency',
      urgency: 'critical',
    });
    expect(classify('天然气打不燃，不是漏气哈，灶就是点不燃')).toMatchObject({
      category: 'utilities',
      urgency: 'normal',
    });
  });

  it('calls fire and smoke happening now critical, and charging e-bikes indoors a high hazard', () => {
    expect(classify('7栋12楼窗户在冒黑烟，好像屋头燃起来了！')).toMatchObject({
      category: 'fire_gas_emergency',
      urgency: 'critical',
    });
    expect(classify('楼道头天天有人拉飞线给电瓶车充电')).toMatchObject({ category: 'fire_hazard', urgency: 'high' });
  });

  it('lowers an old expired extinguisher to normal', () => {
    expect(classify('楼道的灭火器过期好几年了，压力表都到红区了')).toMatchObject({
      category: 'fire_hazard',
      urgency: 'normal',
    });
  });

  it('answers greetings and thanks as chat with no urgency', () => {
    expect(classify('大家早上好☀️')).toMatchObject({ category: 'chat', urgency: null });
    expect(classify('收到，谢谢网格员👍')).toMatchObject({ category: 'chat', urgency: null });
    expect(classify('🌹🌹🌹')).toMatchObject({ category: 'chat', urgency: null });
  });

  it('answers questions asking for information as consult with no urgency', () => {
    expect(classify('请问办老年卡需要带什么材料？')).toMatchObject({ category: 'consult', urgency: null });
    expect(classify('社区医院周六几点开门哦')).toMatchObject({ category: 'consult', urgency: null });
  });

  it('separates scam bait posted in the group from a resident who was scammed', () => {
    expect(classify('【兼职】在家动动手指点赞，日结300，详情点击 http://jz-money.top 加V')).toMatchObject({
      category: 'scam_content',
    });
    expect(classify('国家育儿补贴开始发放，扫码填写身份证和银行卡即可领取，名额有限')).toMatchObject({
      category: 'scam_content',
    });
    expect(classify('我爸被骗了，网上刷单充了三万进去提不出来')).toMatchObject({
      category: 'fraud_report',
      urgency: 'high',
    });
    expect(classify('我妈接到个冒充公安的电话，现在正在银行往安全账户转钱，快帮忙！')).toMatchObject({
      category: 'fraud_report',
      urgency: 'critical',
    });
  });

  it('makes a person collapsed or in the water critical', () => {
    expect(classify('楼下有个老爷爷倒在地上，喊他也不答应')).toMatchObject({
      category: 'elderly_care',
      urgency: 'critical',
    });
    expect(classify('有个娃儿掉到河里去了，快来人！')).toMatchObject({ category: 'water_safety', urgency: 'critical' });
  });

  // The behaviour tests below use sentences written for them, not copied from any labelled set.
  it('makes someone who went into the water and has not come up critical', () => {
    for (const text of [
      '江边有个小伙子跳下去游泳，十多分钟了都没看到他冒头',
      '水库里有个人在扑腾，好像抽筋了，快来人',
      '有个娃儿在水库边上滑下去了',
    ]) {
      expect(classify(text)).toMatchObject({ category: 'water_safety', urgency: 'critical' });
    }
    expect(classify('河边那几个娃儿又在下河摸鱼，水好急')).toMatchObject({ category: 'water_safety', urgency: 'high' });
  });

  it('makes money being moved to a scammer right now critical, and a past or stopped scam high', () => {
    for (const text of [
      '快点！我爷爷在农行柜台要给一个说是法院的人汇款，柜员都劝不住',
      '我妈一直在跟自称公安的人打视频，对方喊她把养老钱转到监管账户，她现在就要去银行',
      '对方一直在电话里指挥我爸操作网银，现在还没挂',
      '对方喊我爸去买几万块的购物卡，他现在在超市排队',
    ]) {
      expect(classify(text)).toMatchObject({ category: 'fraud_report', urgency: 'critical' });
    }
    expect(classify('上个月我妈被冒充客服的骗了八千，钱能不能追回来')).toMatchObject({
      category: 'fraud_report',
      urgency: 'high',
    });
    expect(classify('我妈昨天接到电话说她涉嫌洗钱，还好没转钱')).toMatchObject({ category: 'fraud_report', urgency: 'high' });
    expect(classify('提醒大家最近冒充公安的电话多，千万不要往安全账户转钱').category).toBe('chat');
  });

  it('makes a collapse with people inside, or a slope moving now, critical; a widening crack stays high', () => {
    expect(classify('后面那排老房子刚才塌了，不晓得屋里还有没有人，喊了几声没人应')).toMatchObject({
      category: 'building_safety',
      urgency: 'critical',
    });
    expect(classify('山上的泥巴一直在往下滑，已经冲到我们厨房后墙了')).toMatchObject({
      category: 'building_safety',
      urgency: 'critical',
    });
    expect(classify('挡土墙鼓起来了，裂缝这个月越来越宽')).toMatchObject({ category: 'building_safety', urgency: 'high' });
  });

  it('reads 没反应 as a person not responding, not a machine', () => {
    expect(classify('3栋的电梯按钮按了没反应，等了半天也不来')).toMatchObject({
      category: 'property_service',
      urgency: 'normal',
    });
    expect(classify('门禁卡刷了没反应，进不去单元门').category).toBe('property_service');
    expect(classify('楼下那个婆婆坐在椅子上，叫她半天都没反应，脸都白了')).toMatchObject({
      category: 'elderly_care',
      urgency: 'critical',
    });
  });

  it('sends each situation to the post that handles it', () => {
    expect(classify('商场外立面的玻璃掉下来了，碎在人行道上').category).toBe('building_safety');
    expect(classify('步道上的地砖翘起来了，绊倒好几个人').category).toBe('municipal_facility');
    expect(classify('楼上要把阳台的承重墙拆了装落地窗').category).toBe('illegal_construction');
    expect(classify('刚刚在公交车上手机被扒了').category).toBe('public_security');
    expect(classify('有家店在门面里囤危化品，桶上写的腐蚀性').category).toBe('production_safety');
    expect(classify('小区门口水果店的西瓜卖十五块一斤，价格也太离谱了').category).toBe('market_supervision');
    expect(classify('我们家燃气卡里还有三百多，今天突然就打不燃了').category).toBe('utilities');
    expect(classify('夜市收摊以后满地都是竹签和饭盒，臭得很').category).toBe('sanitation');
    expect(classify('对门的摄像头正对我家门口，协商了也没用，想请社区出面，顺便问下物业费几号交').category).toBe(
      'dispute',
    );
    expect(classify('路口一辆货车撞倒了一个老人，躺在地上不动')).toMatchObject({
      category: 'traffic_order',
      urgency: 'critical',
    });
  });

  it('answers a request for information with no problem described as consult, dialect included', () => {
    for (const text of [
      '请问自来水公司的客服电话是多少',
      '问下 可回收垃圾星期几收',
      '高龄补贴是啷个回事，好多岁可以领',
      '有没得人晓得过期的药要丢到哪里',
      '城乡居民医保和职工医保有啥子区别',
      '请问我们这种情况适合申请哪种救助',
      '新开的那个社区食堂在哪里报名哦',
      '请问楼道里能不能给电瓶车充电',
      '想问下楼道里的灭火器过期了是物业换还是自己买',
    ]) {
      expect(classify(text)).toMatchObject({ category: 'consult', urgency: null });
    }
    // A question that follows a described problem is a report asking when it will be fixed.
    expect(classify('请问我们小区门口的井盖不见了好几天了，啥时候来修').category).toBe('municipal_facility');
    expect(classify('问一下，我们这栋楼停水两天了，到底什么时候来水').category).toBe('utilities');
  });

  it('raises urgency for imminent harm, not for a burst pipe or a sagging cable as such', () => {
    expect(classify('楼下的水管爆了，水一直往外流')).toMatchObject({ category: 'utilities', urgency: 'normal' });
    expect(classify('路边的网线垂下来了，挂得好低')).toMatchObject({ category: 'utilities', urgency: 'normal' });
    expect(classify('单元门口电箱的线头露在外面，娃儿天天从那过')).toMatchObject({ category: 'utilities', urgency: 'high' });
  });

  it('makes a person down and not responding critical whatever the context', () => {
    for (const [text, category] of [
      ['停车场两个男的扭打在一起 有一个被推倒后脑勺着地 现在躺在那里一动不动', 'public_security'],
      ['KTV门口打群架 有个小伙子被打晕过去了', 'public_security'],
      ['俺们楼下干仗呢 有个人被干趴下了 喊他也不答应', 'public_security'],
      ['十字路口一辆摩托跟小轿车撞了 骑摩托的躺在路中间不动', 'traffic_order'],
      ['工地上一个工人从架子上摔下来了 叫都叫不醒', 'production_safety'],
    ] as const) {
      expect(classify(text)).toMatchObject({ category, urgency: 'critical' });
    }
    // A fight with nobody hurt stays high; a car that will not move is not a person.
    expect(classify('楼下有两个人打起来了 在互相推')).toMatchObject({ category: 'public_security', urgency: 'high' });
    expect(classify('小区门口堵了半个钟头 车子一动不动').urgency).not.toBe('critical');
  });

  it('makes a crime going on right now critical, and a past one not', () => {
    for (const text of [
      '有两个人正在撬对面那家的防盗门 我在窗户这边看到的',
      '快来 有人在车棚里剪锁偷电瓶车 人还在那里',
      '俺家楼下有个人挨个拉车门呢 赶紧来人',
      '有个男的在爬二楼的防盗窗 好像要进屋',
      '菜场门口有人抢了个阿姨的包 往地铁站那边跑了',
    ]) {
      expect(classify(text)).toMatchObject({ category: 'public_security', urgency: 'critical' });
    }
    expect(classify('前天晚上我家门锁被撬了 东西倒是没丢').urgency).not.toBe('critical');
    expect(classify('上周我的电瓶车在车棚被偷了 监控能查不').urgency).not.toBe('critical');
  });

  it('reads a gas leak from its smell or from a tap left on, and a factory smell as air pollution', () => {
    for (const text of [
      '一进楼道就是一股臭鸡蛋味 越往上越重',
      '谁家燃气没关哦 三楼过道全是那个味',
      '家里灶台那里嘶嘶响 一股煤气味 头有点晕',
      '屋头一股子液化气味儿 贼冲',
    ]) {
      expect(classify(text)).toMatchObject({ category: 'fire_gas_emergency', urgency: 'critical' });
    }
    expect(classify('化工厂那边又飘过来一股臭鸡蛋味 好几天了').category).toBe('air_pollution');
  });

  it('treats a safety tip, a reminder or news from elsewhere as chat, and a tip with a real problem here as a report', () => {
    for (const text of [
      '转发一个防火小常识：电瓶车不要推进家里充电，插线板不要串联，出门拔插头',
      '温馨提醒：天气热了 家长们看好娃儿 千万不要去河里野泳',
      '冬天烤炭火记得开窗 小心一氧化碳中毒',
      '看到新闻没 外省有个小区燃气爆炸了 死了好几个人',
      '社区提醒：发现燃气泄漏请立即关阀门开窗 不要开关电器',
    ]) {
      expect(classify(text)).toMatchObject({ category: 'chat', urgency: null });
    }
    expect(classify('提醒一下大家 5栋楼道现在又有人推电瓶车进去充电了').category).toBe('fire_hazard');
    expect(classify('大家注意 小区后门花坛里有条蛇').category).toBe('animal');
    expect(classify('大家注意 3单元着火了 走楼梯别坐电梯')).toMatchObject({
      category: 'fire_gas_emergency',
      urgency: 'critical',
    });
  });

  it('normalises full-width text, latin case and @mentions before matching', () => {
    expect(normaliseText('@网格员  楼下ＫＴＶ唱到凌晨！')).toBe('楼下ktv唱到凌晨!');
    expect(normaliseText('@网格员请问几点开门')).toBe('请问几点开门');
    expect(normaliseText('@王姐\u2005你家娃儿考上了 @李哥')).toBe('你家娃儿考上了');
    expect(classify('@网格员 楼下ＫＴＶ每天唱到凌晨三点').category).toBe('noise');
  });

  it('reports a confidence between 0 and 1 that is higher for a clear case', async () => {
    const clear = classify('化粪池又冒了，粪水流得到处都是，臭得不得了');
    const unclear = classify('有个东西坏了');
    for (const result of [clear, unclear]) {
      expect(result.confidence).toBeGreaterThanOrEqual(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
      expect(result.source).toBe('rules');
    }
    expect(clear.confidence).toBeGreaterThan(unclear.confidence);
    await expect(classifier.classify('化粪池又冒了')).resolves.toEqual(classify('化粪池又冒了'));
    expect(classifier.name).toBe('rules');
  });
});

describe('rule classifier breadth', () => {
  it('finds someone trapped in a lift whatever the word order, and not when nobody is inside', () => {
    for (const text of ['7栋电梯困了一个婆婆 按铃也没人理', '电梯里关着两个学生 卡在三楼', '电梯卡住不动了 我爸还在里面出不来']) {
      expect(classify(text)).toMatchObject({ category: 'fire_gas_emergency', urgency: 'critical' });
    }
    expect(classify('电梯按钮失灵好几天了 没人困在里面 就是很不方便').category).toBe('property_service');
  });

  it('makes people buried in a cave-in critical, at a site production safety', () => {
    expect(classify('工地挖的沟塌了 一个工人被压在土里')).toMatchObject({ category: 'production_safety', urgency: 'critical' });
    expect(classify('老屋垮了半边 不晓得王爷爷跑出来没有')).toMatchObject({ category: 'building_safety', urgency: 'critical' });
  });

  it('makes a victim at the bank on the phone and an assault in progress critical', () => {
    expect(classify('我婆婆在信用社柜台边打电话边要汇钱 说是交保证金 拦不住')).toMatchObject({
      category: 'fraud_report',
      urgency: 'critical',
    });
    expect(classify('停车场有个男的在打一个女的 往车上拽 她喊救命')).toMatchObject({
      category: 'public_security',
      urgency: 'critical',
    });
  });

  it('treats a false alarm, a problem already fixed or news from home as chat', () => {
    expect(classify('刚才那股烟是楼下熏腊肉 不是着火 虚惊一场').category).toBe('chat');
    expect(classify('单元门口那堆杂物物业已经拉走了 谢谢').category).toBe('chat');
    expect(classify('我老家那边下暴雨垮了好几间房 还好人都没事').category).toBe('chat');
  });

  it('answers questions about rules and entitlements as consult, and a request to do a procedure as public service', () => {
    expect(classify('小区里可以养兔子吗').category).toBe('consult');
    expect(classify('医保断了三个月还能补缴吗').category).toBe('consult');
    expect(classify('老年卡认证在哪个小程序上弄').category).toBe('consult');
    expect(classify('麻烦网格员帮我催一下我爸的残疾证 材料交了好久了').category).toBe('public_service');
  });

  it('reads short exclamations, quoted replies and Cantonese complaints as reports', () => {
    expect(classify('吵死人了！！').category).toBe('noise');
    expect(classify('楼道盏灯坏咗成个月都冇人整').category).toBe('property_service');
  });

  it('draws the distinctions the taxonomy defines between close categories', () => {
    expect(classify('我舅舅被拉进一个理财群 已经投进去八万了 劝都不听').category).toBe('fraud_report');
    expect(classify('员工宿舍的安全楼梯被老板用铁链锁住了').category).toBe('fire_hazard');
    expect(classify('便利店冰柜里的酸奶过期了还在卖').category).toBe('market_supervision');
    expect(classify('路口阴沟往外冒脏水 满街都是').category).toBe('sanitation');
    expect(classify('火锅店的灯箱招牌螺丝松了 吊着晃').category).toBe('building_safety');
    expect(classify('我们这栋停气了 灶打不燃 也没闻到啥味道 什么时候来气').category).toBe('utilities');
    expect(classify('两口子在屋头吵 整个单元都听得到').category).toBe('dispute');
  });
});

describe('rule classifier vocabulary and typos', () => {
  const expectCase = (text: string, category: string, urgency?: string): void => {
    const got = classify(text);
    expect({ text, category: got.category }).toEqual({ text, category });
    if (urgency !== undefined) expect({ text, urgency: got.urgency }).toEqual({ text, urgency });
  };

  it('reads common typos for gas, lift, street light and rubbish', () => {
    expectCase('三楼楼梯口一股然气味 越走越冲 有没有燃气公司的电话', 'fire_gas_emergency', 'critical');
    expectCase('厨房里一股液化汽的味道 头都有点昏', 'fire_gas_emergency', 'critical');
    expectCase('二单元店梯卡在五楼 里头关了个婆婆在喊', 'fire_gas_emergency', 'critical');
    expectCase('我们单元店梯又坏了 爬楼爬得腿软', 'property_service');
    expectCase('河滨路的路登坏了三盏 晚上黑黢黢的', 'municipal_facility');
    expectCase('门口拉圾堆了好几天没人收', 'sanitation');
  });

  it('covers everyday words residents use for each kind of problem', () => {
    expectCase('出租屋里囤了好多箱农药 盒子上印的剧毒', 'production_safety');
    expectCase('民房车库里私自存放烟花爆竹', 'production_safety');
    expectCase('这两天院子里好几家人上吐下泻 都喝的那口井的水', 'public_health');
    expectCase('卖烤玉米的天天把炉子推到学校门口中间摆起', 'street_vending');
    expectCase('好多人在马路边摆地摊 车子按喇叭按得震天响', 'street_vending');
    expectCase('有人把小区的公共绿地用栏杆围起来养鸡 还上了锁', 'illegal_construction');
    expectCase('路上在铺沥青 那股味道隔好远都闻得到', 'air_pollution');
    expectCase('楼上阳台底下的水泥一块一块往下掉 钢筋都露出来了', 'building_safety');
    expectCase('小区门口有只大黄狗见人就龇牙', 'animal');
    expectCase('小区里好多流浪猫', 'animal');
  });

  it('makes someone walking into the water, or a victim already on the way to the bank, critical', () => {
    expectCase('有个老人家一个人走到河里去了 一直往深的地方走', 'water_safety', 'critical');
    expectCase('王孃孃接到电话说儿子出事了要钱 已经揣起存折出门了 往信用社那边去的', 'fraud_report', 'critical');
  });

  it('keeps a shop advert, a fixed problem and dialect yes/no questions out of incidents', () => {
    expectCase('本店新到一批土鸡蛋 微信同号 送货上门', 'chat');
    expectCase('昨天说的那个坑今天已经填好了 谢谢师傅', 'chat');
    expectCase('社区图书室周末开放不', 'consult');
    expectCase('办居住证可以网上办不 还是必须去派出所', 'consult');
  });
});

describe('classifier rules file validation', () => {
  it('names the rule whose regex is invalid', () => {
    const rules = rulesCopy();
    rules.categories.noise.rules[0] = { id: 'broken_dance', match: '坝坝舞(', weight: 3 };
    expect(() => parseClassifierRules(rules, 'edited rules')).toThrow(/rule "broken_dance".*not a valid JavaScript regex/s);
  });

  it('names the rule with a misspelt field', () => {
    const rules = rulesCopy();
    const first = rules.categories.animal.rules[0] as unknown as Record<string, unknown>;
    first.wieght = first.weight;
    delete first.weight;
    expect(() => parseClassifierRules(rules)).toThrow(/rule "dog_trouble": Unrecognized key: "wieght"/);
  });

  it('names a rule with neither a weight nor a veto', () => {
    const rules = rulesCopy();
    rules.chat.rules.push({ id: 'weightless', match: '你好' });
    expect(() => parseClassifierRules(rules)).toThrow(/rule "weightless".*"weight"/s);
  });

  it('rejects category codes that are not in the taxonomy and taxonomy categories without rules', () => {
    const misspelt = rulesCopy();
    misspelt.categories['nosie'] = misspelt.categories.noise;
    delete (misspelt.categories as Record<string, unknown>).noise;
    expect(() => new RuleClassifier(taxonomy, parseClassifierRules(misspelt))).toThrow(
      /categories\.nosie: not a taxonomy category code/,
    );
    const missing = rulesCopy();
    delete (missing.categories as Record<string, unknown>).animal;
    expect(() => new RuleClassifier(taxonomy, parseClassifierRules(missing))).toThrow(
      /categories\.animal: taxonomy category has no rules/,
    );
    const badUrgency = rulesCopy();
    badUrgency.urgency.critical[0].categories = ['water_saftey'];
    expect(() => new RuleClassifier(taxonomy, parseClassifierRules(badUrgency))).toThrow(
      /critical rule "[a-z_]+": water_saftey is not a taxonomy category code/,
    );
  });

  it('rejects duplicate rule ids, which would make errors and explanations ambiguous', () => {
    const rules = rulesCopy();
    rules.chat.rules.push({ ...rules.chat.rules[0] });
    expect(() => parseClassifierRules(rules)).toThrow(/duplicate rule id\(s\) greeting/);
  });

  it('names the file when it is not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rules-'));
    const file = path.join(dir, 'classifier-rules.json');
    writeFileSync(file, '{ "about": "oops", ');
    expect(() => loadClassifierRules(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read JSON`));
  });

  it('accepts keyword lists as well as regexes', () => {
    const rules = rulesCopy();
    rules.categories.animal.rules.push({ id: 'alpaca', keywords: ['羊驼'], weight: 6 });
    const custom = new RuleClassifier(taxonomy, parseClassifierRules(rules));
    expect(custom.classifyText('小区里跑进来一只羊驼').category).toBe('animal');
  });
});

describe('evaluateClassifier', () => {
  const fixed = (answers: Record<string, Classification>): Classifier => ({
    name: 'fixed',
    classify: async (text) => answers[text],
  });

  it('computes accuracy, critical recall and the false-incident rate from labelled rows', async () => {
    const answer = (category: string, urgency: Classification['urgency']): Classification => ({
      category,
      urgency,
      confidence: 1,
      source: 'fixed',
    });
    const evaluation = await evaluateClassifier(
      fixed({
        a: answer('fire_gas_emergency', 'critical'),
        b: answer('fire_hazard', 'high'),
        c: answer('chat', null),
        d: answer('noise', 'normal'),
      }),
      [
        { id: '1', text: 'a', category: 'fire_gas_emergency', urgency: 'critical' },
        { id: '2', text: 'b', category: 'fire_gas_emergency', urgency: 'critical' },
        { id: '3', text: 'c', category: 'chat', urgency: null },
        { id: '4', text: 'd', category: 'consult', urgency: null },
      ],
    );
    expect(evaluation).toMatchObject({
      total: 4,
      categoryAccuracy: 0.5,
      criticalRecall: 0.5,
      criticalCount: 2,
      nonIncidentFalseIncidentRate: 0.5,
      nonIncidentCount: 2,
      urgencyAccuracy: 0.5,
    });
    expect(evaluation.confusion.map((m) => m.id)).toEqual(['2', '4']);
  });

  it('reports the line of a malformed labelled row', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'labelled-'));
    const file = path.join(dir, 'rows.jsonl');
    writeFileSync(file, '{"id":"1","text":"x","category":"chat","urgency":null}\n\n{"id":"2","text":"y"}\n');
    expect(() => readLabelledJsonl(file)).toThrow(/rows\.jsonl:3:/);
  });
});
