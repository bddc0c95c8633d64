// The rule classifier: accuracy floors on the labelled dev set and our own held-out set, the
// distinctions the taxonomy draws (fire lane cars vs clutter, lift entrapment vs breakdown, gas leak
// vs supply fault, scam bait vs scam victim), and clear errors for a broken rules file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromProjectRoot } from '../../config/projectRoot';
import {
  evaluateClassifier,
  formatEvaluation,
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
  const misses = evaluation.confusion.map(
    (m) =>
      `  ${m.id}: expected ${m.expected.category}/${m.expected.urgency} got ${m.got.category}/${m.got.urgency} — ${m.text.slice(0, 40)}`,
  );
  return `${formatEvaluation(label, evaluation)}\n${misses.length > 0 ? `misses:\n${misses.join('\n')}` : 'misses: none'}`;
}

describe('rule classifier on labelled sets', () => {
  it('meets the floors on the dev set', async () => {
    const rows = readLabelledJsonl(fromProjectRoot('test', 'fixtures', 'dev-messages.jsonl'));
    const evaluation = await evaluateClassifier(classifier, rows);
    console.log(printMisses('dev-messages.jsonl', evaluation));
    expect(evaluation.total).toBe(rows.length);
    expect(evaluation.categoryAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.criticalRecall).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.nonIncidentFalseIncidentRate).toBeLessThanOrEqual(0.05);
  });

  it('generalises to our own held-out messages', async () => {
    const rows = readLabelledJsonl(fromProjectRoot('test', 'fixtures', 'classifier-holdout-own.jsonl'));
    const evaluation = await evaluateClassifier(classifier, rows);
    console.log(printMisses('classifier-holdout-own.jsonl', evaluation));
    expect(rows.length).toBeGreaterThanOrEqual(100);
    expect(evaluation.categoryAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(evaluation.criticalRecall).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.nonIncidentFalseIncidentRate).toBeLessThanOrEqual(0.1);
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
