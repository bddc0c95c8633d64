// Rule-based classifier: scores a resident's message against the keyword/regex rules in
// seeds/classifier-rules.json (data a street's staff can edit) and picks a category and urgency.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { CHAT, CONSULT, URGENCIES, type Taxonomy, type Urgency } from '../../seeds/taxonomy';
import type { Classification, Classifier } from './types';

export const RULES_SOURCE = 'rules';

const conditionFields = {
  id: z.string().regex(/^[a-z0-9_]+$/, 'rule ids are lower_snake_case'),
  /** Regex source; the rule fires when it matches (and `and` matches, and `unless` does not). */
  match: z.string().min(1).optional(),
  /** Literal words, any of which fires the rule: for staff who do not write regexes. */
  keywords: z.array(z.string().min(1)).min(1).optional(),
  /** Extra regexes that must all match too. */
  and: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** A regex that stops the rule when it matches (negation: 不是漏气, 还好没人在里面). */
  unless: z.string().min(1).optional(),
  note: z.string().optional(),
};

interface ConditionFields {
  id: string;
  match?: string;
  keywords?: string[];
  and?: string | string[];
  unless?: string;
}

/** Checks that name the rule, so a street's edit that breaks one says which rule to fix. */
function checkCondition(rule: ConditionFields, ctx: z.RefinementCtx): void {
  const fail = (message: string, path: (string | number)[] = []): void => {
    ctx.addIssue({ code: 'custom', message: `rule "${rule.id}": ${message}`, path });
  };
  if ((rule.match === undefined) === (rule.keywords === undefined)) {
    fail('needs exactly one of "match" (a regex) or "keywords" (a list of words)');
  }
  const regexes: [string, string][] = [];
  if (rule.match !== undefined) regexes.push(['match', rule.match]);
  if (typeof rule.and === 'string') regexes.push(['and', rule.and]);
  if (Array.isArray(rule.and)) rule.and.forEach((source) => regexes.push(['and', source]));
  if (rule.unless !== undefined) regexes.push(['unless', rule.unless]);
  for (const [field, source] of regexes) {
    const problem = regexError(source);
    if (problem) fail(`"${field}" is not a valid JavaScript regex /${source}/: ${problem}`, [field]);
  }
}

const scoringRuleSchema = z
  .object({
    ...conditionFields,
    /** Added to the category's score when the rule fires; negative weights subtract. */
    weight: z.number().optional(),
    /** When it fires, the category cannot win whatever its score. */
    veto: z.boolean().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    checkCondition(rule, ctx);
    const hasWeight = rule.weight !== undefined && rule.weight !== 0;
    if (hasWeight === (rule.veto === true)) {
      ctx.addIssue({
        code: 'custom',
        message: `rule "${rule.id}": needs either a non-zero "weight" or "veto": true (not both)`,
      });
    }
  });

const urgencyRuleSchema = z
  .object({
    ...conditionFields,
    /** Incident category codes the rule applies to. */
    categories: z.array(z.string()).min(1),
  })
  .strict()
  .superRefine(checkCondition);

const adjustRuleSchema = z
  .object({
    ...conditionFields,
    categories: z.array(z.string()).min(1),
    to: z.enum(URGENCIES),
  })
  .strict()
  .superRefine(checkCondition);

const rulesFileSchema = z
  .object({
    about: z.string(),
    scoring: z
      .object({
        /** An incident category needs at least this score to be chosen. */
        incident_min_score: z.number().positive(),
        /** consult needs at least this score, else the message is chat. */
        consult_min_score: z.number().positive(),
        /** Confidence reported when no rule fired at all (the message falls through to chat). */
        fallback_confidence: z.number().min(0).max(1),
        /** At most this much of the report-cue score is added to every incident category that already scored. */
        report_bonus_cap: z.number().min(0),
      })
      .strict(),
    categories: z.record(z.string(), z.object({ rules: z.array(scoringRuleSchema).min(1) }).strict()),
    /** Wording that marks a complaint or report (管一下, 反映, 危险, 好久了) whatever the topic. */
    report_cues: z.object({ rules: z.array(scoringRuleSchema).min(1) }).strict(),
    consult: z.object({ rules: z.array(scoringRuleSchema).min(1) }).strict(),
    chat: z.object({ rules: z.array(scoringRuleSchema).min(1) }).strict(),
    urgency: z
      .object({
        /** Any matching rule makes the message critical. */
        critical: z.array(urgencyRuleSchema),
        /** The first matching rule moves the category default to `to`. */
        adjust: z.array(adjustRuleSchema),
      })
      .strict(),
  })
  .strict();

export type ClassifierRules = z.infer<typeof rulesFileSchema>;
type ScoringRule = z.infer<typeof scoringRuleSchema>;

function compileRegex(source: string): RegExp | undefined {
  return regexError(source) === undefined ? new RegExp(source, 'u') : undefined;
}

/** The engine's complaint about a regex source, or undefined when it compiles. */
function regexError(source: string): string | undefined {
  try {
    new RegExp(source, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rule ids name a rule in errors and explanations, so they must be unique across the file. */
function duplicateRuleIds(rules: ClassifierRules): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const all = [
    ...Object.values(rules.categories).flatMap((c) => c.rules),
    ...rules.report_cues.rules,
    ...rules.consult.rules,
    ...rules.chat.rules,
    ...rules.urgency.critical,
    ...rules.urgency.adjust,
  ];
  for (const rule of all) {
    if (seen.has(rule.id)) duplicates.add(rule.id);
    seen.add(rule.id);
  }
  return [...duplicates];
}

/** The id of the rule object an issue's path runs through, read from the raw (unvalidated) data. */
function ruleIdAlong(raw: unknown, issuePath: readonly PropertyKey[]): string | undefined {
  let node: unknown = raw;
  let found: string | undefined;
  for (const key of issuePath) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<PropertyKey, unknown>)[key];
    if (typeof key === 'number' && typeof node === 'object' && node !== null) {
      const id = (node as Record<string, unknown>).id;
      if (typeof id === 'string') found = id;
    }
  }
  return found;
}

/** Prefixes each issue inside a rule with that rule's id, so a street's typo says which rule to fix. */
function withRuleIds(error: z.ZodError, raw: unknown): z.ZodError {
  const issues = error.issues.map((issue) => {
    const id = ruleIdAlong(raw, issue.path);
    return id === undefined || issue.message.startsWith('rule "') ? issue : { ...issue, message: `rule "${id}": ${issue.message}` };
  });
  return new z.ZodError(issues);
}

export function loadClassifierRules(file = fromProjectRoot('seeds', 'classifier-rules.json')): ClassifierRules {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`classifier rules ${file}: cannot read JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseClassifierRules(raw, file);
}

/** Validates rules already parsed from JSON; `origin` names them in errors. */
export function parseClassifierRules(raw: unknown, origin?: string): ClassifierRules {
  const name = origin === undefined ? 'classifier rules' : `classifier rules ${origin}`;
  const parsed = rulesFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${name} are invalid:\n${z.prettifyError(withRuleIds(parsed.error, raw))}`);
  }
  const duplicates = duplicateRuleIds(parsed.data);
  if (duplicates.length > 0) {
    throw new Error(`${name} are invalid: duplicate rule id(s) ${duplicates.join(', ')}`);
  }
  return parsed.data;
}

/** Category codes in the rules must be taxonomy codes, and every taxonomy category needs rules. */
export function checkRulesAgainstTaxonomy(rules: ClassifierRules, taxonomy: Taxonomy): void {
  const problems: string[] = [];
  for (const code of Object.keys(rules.categories)) {
    if (!taxonomy.isIncidentCategory(code)) problems.push(`categories.${code}: not a taxonomy category code`);
  }
  for (const code of taxonomy.categories.keys()) {
    if (!(code in rules.categories)) problems.push(`categories.${code}: taxonomy category has no rules`);
  }
  const urgencyRules = [
    ...rules.urgency.critical.map((r) => ({ kind: 'critical', rule: r })),
    ...rules.urgency.adjust.map((r) => ({ kind: 'adjust', rule: r })),
  ];
  for (const { kind, rule } of urgencyRules) {
    for (const code of rule.categories) {
      if (!taxonomy.isIncidentCategory(code)) {
        problems.push(`urgency.${kind} rule "${rule.id}": ${code} is not a taxonomy category code`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`classifier rules do not fit the taxonomy:\n${problems.map((p) => `  ✖ ${p}`).join('\n')}`);
  }
}

/**
 * Full-width → half-width (NFKC), latin lower-cased, @mentions dropped, whitespace collapsed.
 * A mention ends at whitespace (WeChat puts U+2005 after it); role mentions such as @网格员 are also
 * recognised when the message runs straight on, so "@网格员请问…" keeps its question.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/@(?:网格员|网格长|社区|物业|管理员|群主|所有人)/gu, ' ')
    .replace(/@[^\s@]{1,12}\s+/gu, ' ')
    .replace(/(^|\s)@[^\s@]{1,12}$/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

interface CompiledCondition {
  id: string;
  triggers: RegExp;
  also: RegExp[];
  unless?: RegExp;
}

interface CompiledScoringRule extends CompiledCondition {
  weight: number;
  isVeto: boolean;
}

interface CompiledUrgencyRule extends CompiledCondition {
  categories: ReadonlySet<string>;
  to: Urgency;
}

function mustCompile(source: string, id: string): RegExp {
  const regex = compileRegex(source);
  if (!regex) throw new Error(`classifier rule "${id}": not a valid regex /${source}/`);
  return regex;
}

function compileCondition(rule: ConditionFields): CompiledCondition {
  const source = rule.match ?? (rule.keywords ?? []).map(escapeRegex).join('|');
  const also = rule.and === undefined ? [] : Array.isArray(rule.and) ? rule.and : [rule.and];
  return {
    id: rule.id,
    triggers: mustCompile(source, rule.id),
    also: also.map((s) => mustCompile(s, rule.id)),
    unless: rule.unless === undefined ? undefined : mustCompile(rule.unless, rule.id),
  };
}

function compileScoringRule(rule: ScoringRule): CompiledScoringRule {
  return { ...compileCondition(rule), weight: rule.weight ?? 0, isVeto: rule.veto === true };
}

function fires(rule: CompiledCondition, text: string): boolean {
  return rule.triggers.test(text) && rule.also.every((r) => r.test(text)) && !(rule.unless?.test(text) ?? false);
}

export interface CategoryScore {
  code: string;
  score: number;
  vetoed: boolean;
  rules: string[];
}

/** Why the classifier decided what it did: for tuning rules and for the dispatcher's view. */
export interface Explanation {
  normalised: string;
  scores: CategoryScore[];
  urgencyRule?: string;
  classification: Classification;
}

/** Not a category: the group of report-cue rules. */
const REPORT_CUES = 'report_cues';

export class RuleClassifier implements Classifier {
  readonly name = RULES_SOURCE;
  private readonly groups: { code: string; rules: CompiledScoringRule[] }[];
  private readonly reportCues: CompiledScoringRule[];
  private readonly critical: CompiledUrgencyRule[];
  private readonly adjust: CompiledUrgencyRule[];

  constructor(
    private readonly taxonomy: Taxonomy,
    private readonly rules: ClassifierRules = loadClassifierRules(),
  ) {
    checkRulesAgainstTaxonomy(rules, taxonomy);
    this.groups = [
      ...Object.entries(rules.categories).map(([code, c]) => ({ code, rules: c.rules.map(compileScoringRule) })),
      { code: CONSULT, rules: rules.consult.rules.map(compileScoringRule) },
      { code: CHAT, rules: rules.chat.rules.map(compileScoringRule) },
    ];
    this.reportCues = rules.report_cues.rules.map(compileScoringRule);
    this.critical = rules.urgency.critical.map((r) => ({
      ...compileCondition(r),
      categories: new Set(r.categories),
      to: 'critical',
    }));
    this.adjust = rules.urgency.adjust.map((r) => ({ ...compileCondition(r), categories: new Set(r.categories), to: r.to }));
  }

  async classify(text: string): Promise<Classification> {
    return this.classifyText(text);
  }

  classifyText(text: string): Classification {
    return this.explain(text).classification;
  }

  explain(text: string): Explanation {
    const normalised = normaliseText(text);
    const cues = scoreGroup(REPORT_CUES, this.reportCues, normalised);
    const bonus = Math.min(this.rules.scoring.report_bonus_cap, Math.max(0, cues.score));
    // A complaint's wording lifts whichever topics it already touched; it never invents a topic.
    const scores = this.groups.map((group) => {
      const scored = scoreGroup(group.code, group.rules, normalised);
      const isIncident = this.taxonomy.isIncidentCategory(group.code);
      return isIncident && scored.score > 0 && bonus > 0
        ? { ...scored, score: scored.score + bonus, rules: [...scored.rules, ...cues.rules] }
        : scored;
    });
    const byCode = new Map(scores.map((s) => [s.code, s]));
    const incidentScores = scores
      .filter((s) => this.taxonomy.isIncidentCategory(s.code) && !s.vetoed)
      .sort((a, b) => b.score - a.score);
    const consult = byCode.get(CONSULT)?.score ?? 0;
    const chat = byCode.get(CHAT)?.score ?? 0;
    const best = incidentScores[0];
    const runnerUp = incidentScores[1]?.score ?? 0;
    const { incident_min_score: incidentMin, consult_min_score: consultMin } = this.rules.scoring;

    // Ties between an incident and a non-incident go to the incident: missing a real report costs more.
    if (best && best.score >= incidentMin && best.score >= Math.max(consult, chat)) {
      const { urgency, rule } = this.decideUrgency(best.code, normalised);
      return {
        normalised,
        scores,
        urgencyRule: rule,
        classification: {
          category: best.code,
          urgency,
          confidence: marginConfidence(best.score, Math.max(runnerUp, consult, chat), incidentMin),
          source: RULES_SOURCE,
        },
      };
    }
    const strongestIncident = best && best.score > 0 ? best.score : 0;
    const isConsult = consult >= consultMin && consult >= chat;
    const winner = isConsult ? consult : chat;
    const rival = isConsult ? Math.max(chat, strongestIncident) : Math.max(consult, strongestIncident);
    // Nothing said chat or consult: the fallback confidence, shrinking as an incident came close to the bar.
    const confidence =
      winner > 0
        ? marginConfidence(winner, rival, isConsult ? consultMin : incidentMin)
        : roundTo2(this.rules.scoring.fallback_confidence * Math.max(0, 1 - rival / incidentMin));
    return {
      normalised,
      scores,
      classification: { category: isConsult ? CONSULT : CHAT, urgency: null, confidence, source: RULES_SOURCE },
    };
  }

  /**
   * The urgency the rules give this text if it is a case of `category`: for another classifier's category,
   * so that a critical rule (明火, 煤气味, 有人被困 …) applies whoever chose the category.
   */
  urgencyFor(category: string, text: string): { urgency: Urgency; rule?: string } {
    return this.decideUrgency(category, normaliseText(text));
  }

  /** The categories a firing critical rule makes critical, or an empty list when none fires. */
  criticalCategories(text: string): string[] {
    const normalised = normaliseText(text);
    return [...new Set(this.critical.filter((rule) => fires(rule, normalised)).flatMap((rule) => [...rule.categories]))];
  }

  private decideUrgency(category: string, text: string): { urgency: Urgency; rule?: string } {
    for (const rule of this.critical) {
      if (rule.categories.has(category) && fires(rule, text)) return { urgency: 'critical', rule: rule.id };
    }
    for (const rule of this.adjust) {
      if (rule.categories.has(category) && fires(rule, text)) return { urgency: rule.to, rule: rule.id };
    }
    return { urgency: this.taxonomy.category(category).urgency };
  }
}

function scoreGroup(code: string, rules: CompiledScoringRule[], text: string): CategoryScore {
  let score = 0;
  let vetoed = false;
  const fired: string[] = [];
  for (const rule of rules) {
    if (!fires(rule, text)) continue;
    fired.push(rule.id);
    if (rule.isVeto) vetoed = true;
    else score += rule.weight;
  }
  return { code, score, vetoed, rules: fired };
}

/**
 * 0..1 from how strong the winner is (relative to the threshold it had to pass) and how far it is
 * ahead of the runner-up: a lone strong match is near 1, a narrow win between two categories near 0.5.
 */
function marginConfidence(best: number, runnerUp: number, threshold: number): number {
  if (best <= 0) return 0;
  const margin = Math.max(0, best - Math.max(0, runnerUp)) / best;
  const strength = 1 - Math.exp(-best / threshold);
  return roundTo2(Math.min(1, Math.max(0, strength * (0.45 + 0.55 * margin))));
}

function roundTo2(x: number): number {
  return Math.round(x * 100) / 100;
}
