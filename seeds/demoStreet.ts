// Reads and checks the demo street (seeds/demo-street.json): org units, post holders and group chats.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../config/projectRoot';
import { LEVELS } from './taxonomy';

const memberSchema = z.object({ userId: z.string().min(1), name: z.string().min(1), homeGrid: z.string().optional() });

const demoStreetSchema = z.object({
  platform: z.string().min(1),
  orgUnits: z.array(
    z.object({
      code: z.string().min(1),
      name: z.string().min(1),
      kind: z.enum(['street', 'community', 'grid']),
      parent: z.string().nullable(),
    }),
  ),
  postMembers: z.array(
    z.object({
      post: z.string().min(1),
      members: z.array(
        z.object({ userId: z.string().min(1), name: z.string().min(1), leader: z.boolean(), grid: z.string().optional() }),
      ),
    }),
  ),
  groups: z.array(
    z.object({
      chatId: z.string().min(1),
      name: z.string().min(1),
      kind: z.enum(['resident', 'worker', 'volunteer', 'command']),
      post: z.string().nullable(),
      /** A worker group that handles cases escalated (上报) to this level. */
      level: z.enum(LEVELS).optional(),
      orgUnit: z.string().nullable(),
      members: z.array(memberSchema),
      includePosts: z.array(z.string()).optional(),
    }),
  ),
});

export type DemoStreet = z.infer<typeof demoStreetSchema>;

export function loadDemoStreet(file = fromProjectRoot('seeds', 'demo-street.json')): DemoStreet {
  const parsed = demoStreetSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`demo street ${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
