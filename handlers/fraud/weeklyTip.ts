// The anti-fraud tip of the week (每周反诈提示): on its cron tick, every resident group gets this week's tip
// from seeds/anti-fraud-tips.json, once a week whatever the number of ticks or schedulers: a tip already
// broadcast this (local) week is not sent again. The tips go round in file order, one per week.
import { readFileSync } from 'node:fs';
import { MoreThanOrEqual } from 'typeorm';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { Broadcast } from '../../storage/entities';
import { writeBroadcast, type BroadcastResult } from '../broadcasts/broadcast';
import type { HandlerContext } from '../context';
import { weeklyTipNotice } from '../delivery/notices';
import { localMidnight, localWeekStart } from '../localTime';

const tipsFileSchema = z.object({
  tips: z.array(z.object({ title: z.string().trim().min(1).max(40), text: z.string().trim().min(1).max(1000) })).min(1),
});

export type AntiFraudTip = z.infer<typeof tipsFileSchema>['tips'][number];

export function loadAntiFraudTips(file = fromProjectRoot('seeds', 'anti-fraud-tips.json')): AntiFraudTip[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`anti-fraud tips ${file}: cannot read JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = tipsFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`anti-fraud tips ${file} are invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.tips;
}

const WEEK_MS = 7 * 86_400_000;
const FIRST_MONDAY = Date.UTC(1970, 0, 5);

/** The tip for the week `weekStart` ("2026-11-30") begins: the tips in turn, one a week. */
export function tipOfTheWeek(tips: readonly AntiFraudTip[], weekStart: string): AntiFraudTip {
  const week = Math.round((Date.parse(`${weekStart}T00:00:00Z`) - FIRST_MONDAY) / WEEK_MS);
  return tips[week % tips.length];
}

/** Sends this week's tip unless one went out this (local) week already. */
export async function sendWeeklyTip(tips: readonly AntiFraudTip[], context: HandlerContext): Promise<BroadcastResult | null> {
  const now = context.clock();
  const weekStart = localWeekStart(now, context.timeZone);
  const tip = tipOfTheWeek(tips, weekStart);
  const written = await context.db.write(async (manager) => {
    const sentThisWeek = await manager.existsBy(Broadcast, { kind: 'weekly_tip', createdAt: MoreThanOrEqual(localMidnight(weekStart, context.timeZone)) });
    if (sentThisWeek) return null;
    return writeBroadcast(manager, { kind: 'weekly_tip', text: `${tip.title}：${tip.text}`, notice: weeklyTipNotice(tip), sentBy: '街道反诈宣传', to: ['resident'] }, now);
  });
  if (!written) return null;
  await written.outbox.flush(context);
  context.log.info({ ...written.result, tip: tip.title, week: weekStart }, 'anti-fraud tip of the week sent');
  return written.result;
}
