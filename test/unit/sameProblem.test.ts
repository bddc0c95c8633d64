import { fromProjectRoot } from '../../config/projectRoot';
import { fixtureLabelledFiles, readLabelledSets } from '../../bot/trainCli';
import {
  DEFAULT_SAME_PROBLEM_POLICY, isSameProblem, namesPlace, problemTextSimilarity, problemWords, type ReportForMatching,
} from '../../handlers/incidents/sameProblem';
import { evaluateSameProblem, readMergePairs } from '../../handlers/incidents/sameProblemEvaluation';

const OPENED = new Date('2026-05-11T09:00:00+08:00');
const HOUR_MS = 60 * 60 * 1000;

function makeReport(overrides: Partial<ReportForMatching> = {}): ReportForMatching {
  return { category: 'fire_gas_emergency', placeKey: '9栋', text: '9栋电梯关人了', at: OPENED, ...overrides };
}

const later = (hours: number): Date => new Date(OPENED.getTime() + hours * HOUR_MS);

describe('deciding that two reports are the same problem', () => {
  it('merges the same trapped lift told in other words by a neighbour', () => {
    const open = makeReport({ text: '@物业 9栋的电梯卡在十五楼不动了，里头关了个老太太，按铃都没人理😭' });
    const incoming = makeReport({ text: '9栋电梯困人！一个老人家被困在里面，按铃没人应，快点来人啊', at: later(0.2) });
    const decision = isSameProblem(open, incoming);
    expect(decision).toMatchObject({ same: true });
    expect(decision.why).toMatch(/same place \(9栋\)/);
  });

  it('does not merge a different problem of the same category in the same building', () => {
    const open = makeReport({ category: 'property_service', text: '9栋电梯停了两天了，没关到人，就是不动，物业也不来修' });
    const incoming = makeReport({ category: 'property_service', text: '9栋单元门的门禁又坏了，刷卡刷不开，外卖员都进不来', at: later(3) });
    expect(isSameProblem(open, incoming).same).toBe(false);
  });

  it('does not merge a later, different fault of the same lift', () => {
    const open = makeReport({ category: 'property_service', text: '9栋电梯开起开起突然往下一沉，吓死人了，是不是钢丝绳有问题' });
    const incoming = makeReport({ category: 'property_service', text: '9栋电梯里头的按键面板烂了，按十二楼灯都不亮', at: later(20) });
    expect(isSameProblem(open, incoming).same).toBe(false);
  });

  it('never merges reports that name different places, however alike the words', () => {
    const decision = isSameProblem(makeReport({ placeKey: '9栋' }), makeReport({ placeKey: '14栋', at: later(0.1) }));
    expect(decision).toMatchObject({ same: false });
    expect(decision.why).toMatch(/different places/);
  });

  it('never merges outside the window, and a street may widen it', () => {
    const open = makeReport();
    const dayAndAHourLater = makeReport({ at: later(25) });
    expect(isSameProblem(open, dayAndAHourLater)).toMatchObject({ same: false, why: expect.stringMatching(/beyond the 24\.0 h window/) });
    expect(isSameProblem(open, dayAndAHourLater, { ...DEFAULT_SAME_PROBLEM_POLICY, windowMs: 48 * HOUR_MS }).same).toBe(true);
    // A report can reach us before the one the incident was opened from (a delayed delivery): the window counts both ways.
    expect(isSameProblem(open, makeReport({ at: later(-25) })).same).toBe(false);
  });

  it('never merges different categories', () => {
    const decision = isSameProblem(makeReport(), makeReport({ category: 'property_service', at: later(0.1) }));
    expect(decision).toMatchObject({ same: false });
    expect(decision.why).toMatch(/different categories/);
  });

  it('merges identical text, with or without a place', () => {
    expect(isSameProblem(makeReport(), makeReport({ at: later(1) }))).toMatchObject({ same: true, similarity: 1 });
    const unplaced = { text: '今天一早又停水了嗦', category: 'utilities', placeKey: null };
    expect(isSameProblem(makeReport(unplaced), makeReport({ ...unplaced, at: later(1) })).same).toBe(true);
  });

  it('asks more of the words when a report names no place', () => {
    const open = makeReport({ text: '电梯卡在八楼，里头关了个小娃儿' });
    const incoming = makeReport({ text: '电梯困人了，有个娃娃在里面哭', at: later(0.5) });
    const similarity = problemTextSimilarity(open.text, incoming.text);
    const policy = { ...DEFAULT_SAME_PROBLEM_POLICY, threshold: similarity - 0.01, thresholdWithoutPlace: similarity + 0.01 };
    expect(isSameProblem(open, incoming, policy).same).toBe(true);
    expect(isSameProblem(open, { ...incoming, placeKey: null }, policy)).toMatchObject({ same: false, why: expect.stringMatching(/not named by both/) });
    expect(isSameProblem({ ...open, placeKey: null }, { ...incoming, placeKey: null }, policy).same).toBe(false);
  });
});

describe('how alike two report texts are', () => {
  it('counts the words residents use for the same thing as alike', () => {
    expect(problemTextSimilarity('井盖没了', '井盖被偷了')).toBe(1);
    expect(problemTextSimilarity('井盖丢了！！', '那个井盖翻了')).toBe(1);
    expect(problemTextSimilarity('电梯卡住了', '电梯里被困')).toBeGreaterThan(0.6);
    expect(problemTextSimilarity('门口路灯不亮', '路灯坏了')).toBe(1);
    expect(problemTextSimilarity('路灯又黑了', '路灯不亮了')).toBe(1);
    expect(problemTextSimilarity('楼下跳舞的音响太响', '楼下跳舞的吵死人')).toBeGreaterThan(0.7);
    expect(problemTextSimilarity('楼上漏水', '楼上渗水')).toBe(1);
  });

  // A stopped lift with nobody inside is property_service, a trapped one fire_gas_emergency; the category
  // keeps them apart, and the words must not read 没关到人 as 关到人 either.
  it('reads "nobody trapped" as its own thing, not as trapped', () => {
    expect(problemWords('电梯又不动了 没关到人')).toBe('电梯 不动 无人被困');
    expect(problemTextSimilarity('电梯不动了 没关到人', '电梯不动了 没有人困在里面')).toBe(1);
  });

  it('does not count the place, the mentions or the filler as likeness', () => {
    expect(problemWords('@网格员 请问6栋2单元302室门口有没有人管啊？？😡 飞线充电')).toBe('飞线 充电');
    expect(problemTextSimilarity('枣园路17号6栋2单元门口飞线充电', '枣园路17号6栋2单元门口堆满纸箱子')).toBeLessThan(0.3);
  });

  it('keeps words that only look like road names', () => {
    expect(problemWords('娃儿过马路好危险')).toContain('过马路');
    expect(problemWords('那块路牌歪了')).toContain('路牌');
    expect(namesPlace('娃儿过马路好危险')).toBe(false);
    expect(namesPlace('桃源路与新民街路口红绿灯坏了')).toBe(true);
    expect(namesPlace('小区门口好多人')).toBe(false);
  });

  it('is symmetric and within 0..1', () => {
    const a = '垃圾桶满得冒出来了，三天没人收';
    const b = '楼下垃圾好几天都没拉走 臭死了';
    expect(problemTextSimilarity(a, b)).toBe(problemTextSimilarity(b, a));
    expect(problemTextSimilarity(a, b)).toBeGreaterThanOrEqual(0);
    expect(problemTextSimilarity(a, b)).toBeLessThanOrEqual(1);
    expect(problemTextSimilarity('👍👍', '🙏')).toBe(0);
  });
});

describe('merging measured on the held-back test split', () => {
  const files = readLabelledSets(fixtureLabelledFiles());
  const pairs = readMergePairs(fromProjectRoot('test', 'fixtures', 'same-problem-pairs.jsonl'));

  it('has the written pairs the figures rest on: 120+ repeats, 30+ different problems, split half and half', () => {
    const repeats = pairs.filter((p) => p.same);
    const different = pairs.filter((p) => !p.same);
    expect(repeats.length).toBeGreaterThanOrEqual(120);
    expect(different.length).toBeGreaterThanOrEqual(30);
    for (const group of [repeats, different]) {
      const testShare = group.filter((p) => p.split === 'test').length / group.length;
      expect(Math.abs(testShare - 0.5)).toBeLessThanOrEqual(0.02);
    }
  });

  // Measured with DEFAULT_SAME_PROBLEM_POLICY (0.55 / 0.65 chosen on `tune` before `test` was run; the
  // same-thing bar 0.25 added later, also chosen on `tune`): written-pair precision 100% (31 of 31), recall
  // 44.9% (31 of 69), precision over all pairs 7.7% (31 right of 405 merged), false merges 310 of 6195
  // same-category pairs forced to one place (5.0%; 15 of them from one file), 64 of 6195 with no place named
  // (1.0%), and 48 of 4889 pairs posted in one residents' group with their own places (1.0%; the ones
  // looked at re-tell one situation across files). The slack is what a harmless edit to the word lists
  // moves (a few pairs either way), and less than sloppier merging costs: thresholds 0.50 / 0.65 lose
  // precision, 0.55 / 0.55 double the false merges with no place named, a same-thing bar of 0.20 adds a
  // third more false merges at one place. The recall floor stops "never merge" from passing.
  it('keeps precision and false merges at the measured level, so sloppier merging fails', () => {
    const figures = evaluateSameProblem(files, pairs, 'test');
    expect(figures.precision).toBeGreaterThanOrEqual(0.077 - 0.015);
    expect(figures.writtenPrecision).toBeGreaterThanOrEqual(0.95);
    expect(figures.counts['written-different'].merged).toBeLessThanOrEqual(1);
    expect(figures.falseMergeRate).toBeLessThanOrEqual(0.05 + 0.005);
    expect(figures.unplacedFalseMergeRate).toBeLessThanOrEqual(0.01 + 0.005);
    expect(figures.oneGroupFalseMergeRate).toBeLessThanOrEqual(0.01 + 0.005);
    expect(figures.onePlaceWithinFile.merged).toBeLessThanOrEqual(18);
    expect(figures.recall).toBeGreaterThanOrEqual(0.449 - 0.04);
  });
});
