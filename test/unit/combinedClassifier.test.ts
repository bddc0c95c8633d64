// The combination policy, measured honestly and checked rule by rule: on the labelled files, each scored by a
// model trained without it (leave-one-file-out), the floors hold; a critical rule is never downgraded; an
// unsure model sends the message to triage; a code the taxonomy lacks is never acted on; without a model
// file the rules decide as before.
import path from 'node:path';
import pino from 'pino';
import { fixtureLabelledFiles } from '../../bot/trainCli';
import { buildClassifier } from '../../handlers/classify/buildClassifier';
import { CombinedClassifier, DEFAULT_THRESHOLDS } from '../../handlers/classify/combinedClassifier';
import { formatEvaluation, readLabelledJsonl } from '../../handlers/classify/evaluate';
import { evaluateHeldOut, pool } from '../../handlers/classify/heldOutEvaluation';
import { RuleClassifier } from '../../handlers/classify/ruleClassifier';
import type { Classifier } from '../../handlers/classify/types';
import { loadTaxonomy } from '../../seeds/taxonomy';

const taxonomy = loadTaxonomy();
const silent = pino({ level: 'silent' });

describe('the combined classifier on messages its model never saw (leave-one-file-out)', () => {
  it('meets the floors: accuracy ≥ 0.92, critical recall ≥ 0.97, chat/consult as incidents ≤ 0.05, incidents missed without triage ≤ 0.02', async () => {
    const files = fixtureLabelledFiles().map((file) => ({ name: path.basename(file), rows: readLabelledJsonl(file) }));
    const figures = await evaluateHeldOut(files, files, taxonomy, DEFAULT_THRESHOLDS);
    const combined = pool(figures.map((f) => f.combined));
    const model = pool(figures.map((f) => f.model));
    console.log(`${formatEvaluation('combination, pooled', combined)}\n\n${formatEvaluation('model alone, pooled', model)}`);
    expect(combined.total).toBe(files.reduce((n, f) => n + f.rows.length, 0));
    expect(combined.categoryAccuracy).toBeGreaterThanOrEqual(0.92);
    expect(combined.criticalRecall).toBeGreaterThanOrEqual(0.97);
    expect(combined.nonIncidentFalseIncidentRate).toBeLessThanOrEqual(0.05);
    expect(combined.incidentsMissedRate).toBeLessThanOrEqual(0.02);
    // Triage is for doubt, not a way out: most messages are still decided by the bot.
    expect(combined.triageShare).toBeLessThanOrEqual(0.1);
    expect(model.categoryAccuracy).toBeGreaterThanOrEqual(0.92);
  }, 60_000);
});

describe('the combination policy', () => {
  const rules = new RuleClassifier(taxonomy);
  const { model } = buildClassifier(taxonomy, null, silent);
  const scripted = (answer: Awaited<ReturnType<Classifier['classify']>>): Classifier => ({ name: 'llm:scripted', classify: async () => answer });
  const combine = (llm: Classifier | null) => new CombinedClassifier({ taxonomy, rules, model, llm, thresholds: DEFAULT_THRESHOLDS });

  it('ships a model and uses it', () => {
    expect(model).not.toBeNull();
    expect(combine(null).name).toBe('model+rules');
  });

  it('never lets a model downgrade what a critical rule says: trapped in a lift stays critical', async () => {
    const llmSaysPropertyService = scripted({ category: 'property_service', urgency: 'normal', confidence: 0.95, source: 'llm:scripted' });
    const answer = await combine(llmSaysPropertyService).classify('5栋电梯困人了，里面有个老人');
    expect(answer.urgency).toBe('critical');
    const saysChat = scripted({ category: 'chat', urgency: null, confidence: 0.99, source: 'llm:scripted' });
    expect((await combine(saysChat).classify('厨房有煤气味，好浓'))).toMatchObject({ urgency: 'critical' });
  });

  it('acts on no code the taxonomy lacks: an invalid answer gives way to the model', async () => {
    const invented = scripted({ category: 'alien_landing', urgency: 'high', confidence: 0.99, source: 'llm:scripted' });
    const answer = await combine(invented).classify('小区门口的垃圾桶满了好几天没人收');
    expect(taxonomy.isIncidentCategory(answer.category) || answer.category === 'chat' || answer.category === 'consult').toBe(true);
    expect(answer.source).not.toBe('llm:scripted');
  });

  it('sends an unsure answer that the rules do not share to triage, with guesses', async () => {
    const unsure = scripted({ category: 'noise', urgency: 'normal', confidence: 0.3, source: 'llm:scripted' });
    const answer = await combine(unsure).classify('楼上那家人好奇怪哦');
    expect(answer.triage?.length).toBeGreaterThan(0);
    expect(answer.triage!.every((guess) => taxonomy.isIncidentCategory(guess.category))).toBe(true);
    const sure = scripted({ category: 'noise', urgency: 'normal', confidence: 0.9, source: 'llm:scripted' });
    expect((await combine(sure).classify('楼上半夜两点还在蹦迪，音响开得好大声')).triage).toBeUndefined();
  });

  it('leaves confident chat alone', async () => {
    expect((await combine(null).classify('今天天气不错哈，大家周末愉快')).triage).toBeUndefined();
  });

  it('falls back to the rules alone, deciding as before, when the model file is missing', async () => {
    const built = buildClassifier(taxonomy, null, silent, '/nonexistent/classifier-model.json');
    expect(built.model).toBeNull();
    expect(built.classifier.name).toBe('rules');
    const text = '楼道里有人飞线给电瓶车充电';
    expect(await built.classifier.classify(text)).toEqual(await rules.classify(text));
  });
});
