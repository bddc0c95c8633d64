// The street's incident taxonomy (seeds/taxonomy.json, copied from the shared spec): category codes,
// lead and assisting posts, default urgency and service-level limits. The codes are a contract.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../config/projectRoot';

export const URGENCIES = ['critical', 'high', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Where a case is handled, bottom up: 小事不出网格、大事不出街道, the hardest go to the district. */
export const LEVELS = ['grid', 'community', 'street', 'district'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NAME: Record<Level, string> = { grid: '网格', community: '社区', street: '街道', district: '区' };

/** The level above, or null at the top. */
export function levelAbove(level: Level): Level | null {
  return LEVELS[LEVELS.indexOf(level) + 1] ?? null;
}

const postSchema = z.object({
  code: z.string().regex(/^[A-Z_]+$/),
  name: z.string(),
  board: z.string(),
  duty: z.string(),
});

const categorySchema = z.object({
  code: z.string().regex(/^[a-z_]+$/),
  name: z.string(),
  lead: z.string(),
  assist: z.array(z.string()),
  urgency: z.enum(URGENCIES),
  accept_min: z.number().positive(),
  resolve_h: z.number().positive(),
  level: z.enum(['grid', 'community', 'street']),
  covers: z.string(),
});

const taxonomySchema = z.object({
  urgency_levels: z.record(z.enum(URGENCIES), z.string()),
  posts: z.array(postSchema).min(1),
  categories: z.array(categorySchema).min(1),
  non_incidents: z.array(z.object({ code: z.string(), name: z.string(), covers: z.string() })),
});

export type Post = z.infer<typeof postSchema>;
export type Category = z.infer<typeof categorySchema>;
export type TaxonomyData = z.infer<typeof taxonomySchema>;

/** Codes that are classifier outcomes but never become incidents. */
export const NON_INCIDENT_CODES = ['consult', 'chat'] as const;
export type NonIncidentCode = (typeof NON_INCIDENT_CODES)[number];
export const [CONSULT, CHAT] = NON_INCIDENT_CODES;

// The few codes the code itself acts on; the taxonomy is checked to contain them at load.
/** The post every returned (退回) or unclassifiable case goes to. */
export const DISPATCH_POST = 'DISPATCH';
/** The grid worker, who answers residents' questions nobody else has answered. */
export const GRID_POST = 'GRID';
/** Community police (社区警务岗): scam alerts, and the anti-fraud warnings (预警) they broadcast. */
export const POLICE_POST = 'POLICE';
/** Scam bait posted into a group: the group is warned instead of getting a receipt. */
export const SCAM_CONTENT_CATEGORY = 'scam_content';

export class Taxonomy {
  readonly posts: ReadonlyMap<string, Post>;
  readonly categories: ReadonlyMap<string, Category>;

  constructor(readonly data: TaxonomyData) {
    this.posts = new Map(data.posts.map((p) => [p.code, p]));
    this.categories = new Map(data.categories.map((c) => [c.code, c]));
    for (const category of data.categories) {
      for (const post of [category.lead, ...category.assist]) {
        if (!this.posts.has(post)) {
          throw new Error(`taxonomy: category ${category.code} names unknown post ${post}`);
        }
      }
    }
    for (const post of [DISPATCH_POST, GRID_POST, POLICE_POST]) {
      if (!this.posts.has(post)) throw new Error(`taxonomy: the ${post} post is required`);
    }
    if (!this.categories.has(SCAM_CONTENT_CATEGORY)) throw new Error(`taxonomy: the ${SCAM_CONTENT_CATEGORY} category is required`);
    for (const code of NON_INCIDENT_CODES) {
      if (!data.non_incidents.some((n) => n.code === code)) throw new Error(`taxonomy: non-incident ${code} missing`);
    }
  }

  category(code: string): Category {
    const found = this.categories.get(code);
    if (!found) throw new Error(`unknown category code ${code}`);
    return found;
  }

  post(code: string): Post {
    const found = this.posts.get(code);
    if (!found) throw new Error(`unknown post code ${code}`);
    return found;
  }

  isIncidentCategory(code: string): boolean {
    return this.categories.has(code);
  }

  /** Every code a classifier may answer with: the incident categories and the non-incidents. */
  allCodes(): string[] {
    return [...this.categories.keys(), ...this.data.non_incidents.map((n) => n.code)];
  }
}

let loaded: Taxonomy | undefined;

export function loadTaxonomy(file = fromProjectRoot('seeds', 'taxonomy.json')): Taxonomy {
  if (loaded && file === fromProjectRoot('seeds', 'taxonomy.json')) return loaded;
  const parsed = taxonomySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`taxonomy ${file} is invalid: ${z.prettifyError(parsed.error)}`);
  const taxonomy = new Taxonomy(parsed.data);
  if (file === fromProjectRoot('seeds', 'taxonomy.json')) loaded = taxonomy;
  return taxonomy;
}
