// 我的积分: a volunteer asks for their points in chat and is told their total, this week's, and their rank
// among the street's volunteers; anyone else is told how to earn them.
import type { ChatGroup, InboundMessage, Person } from '../../storage/entities';
import { normaliseText } from '../classify/ruleClassifier';
import type { HandlerContext } from '../context';
import { pointsAnswerNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { claimMessage } from '../intake/claimMessage';
import { localMidnight, localWeekStart } from '../localTime';
import { isVolunteer, pointsTable } from './points';

const ASKS_FOR_POINTS = /^(?:查(?:一?下|询)?)?(?:我的?)?积分(?:查询|多少|有多少|排名)?[?？!！。.]*$/u;
export const POINTS_QUESTION_OUTCOME = 'points_question';

export function asksForPoints(text: string): boolean {
  return ASKS_FOR_POINTS.test(normaliseText(text).replace(/\s+/gu, ''));
}

export async function answerPointsQuestion(message: InboundMessage, where: { group: ChatGroup; sender: Person }, context: HandlerContext): Promise<boolean> {
  if (!asksForPoints(message.text)) return false;
  const { group, sender } = where;
  const { read } = context.db;
  const now = context.clock();
  const volunteer = await isVolunteer(read, sender.id);
  let standing: { total: number; week: number; rank: number; of: number } | null = null;
  if (volunteer) {
    const allTime = await pointsTable(read, null);
    const thisWeek = await pointsTable(read, localMidnight(localWeekStart(now, context.timeZone), context.timeZone));
    const position = allTime.findIndex((row) => row.personId === sender.id);
    standing = {
      total: position >= 0 ? allTime[position].points : 0,
      week: thisWeek.find((row) => row.personId === sender.id)?.points ?? 0,
      rank: position >= 0 ? position + 1 : allTime.length + 1,
      of: Math.max(allTime.length, position >= 0 ? allTime.length : allTime.length + 1),
    };
  }
  const outbox = await context.db.write(async (manager) => {
    const claimed = await claimMessage(manager, message.id, { status: 'done', code: POINTS_QUESTION_OUTCOME, classifiedBy: 'points question (我的积分)', at: now });
    if (!claimed) return null;
    const out = new Outbox(manager, now);
    await out.add('text', group.id, pointsAnswerNotice(sender.name, standing), { replyToMessageId: message.id });
    return out;
  });
  await outbox?.flush(context);
  return true;
}
