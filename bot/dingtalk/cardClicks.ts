// A click on one of the bot's DingTalk cards, over Stream (TOPIC_CARD) or the HTTP card callback alike:
// the button's action id says what it does (interactiveCard.ts), the card's outTrackId is our card's id, and
// the clicker is their staff id. A refusal comes back as the words to tell them; the card stays as it was.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { DomainError } from '../../handlers/errors';
import { actOnVisitTask } from '../../handlers/fraud/visitTasks';
import { actOnCard } from '../../handlers/incidents/actOnCard';
import { CARD_ACTIONS, type CardAction } from '../../handlers/incidents/incidentStateMachine';
import { decideTriage } from '../../handlers/intake/triage';
import { VISIT_OUTCOMES, type VisitOutcome } from '../../storage/entities';
import { DINGTALK_PLATFORM } from './chats';
import { TRIAGE_ACTION, VISIT_DONE_PREFIX, VISIT_TAKE } from './interactiveCard';

const callbackSchema = z.object({
  outTrackId: z.string().min(1),
  userId: z.string().min(1),
  content: z.string().optional(),
  value: z.string().optional(),
});

export interface DingtalkClick {
  outTrackId: string;
  userId: string;
  actionId: string;
  params: Record<string, unknown>;
}

export class CardCallbackRefused extends Error {
  override name = 'CardCallbackRefused';
}

/** `{outTrackId, userId, content: "{\"cardPrivateData\":{\"actionIds\":[…],\"params\":{…}}}"}` (platforms.md §6c). */
export function parseCardCallback(raw: unknown): DingtalkClick {
  const parsed = callbackSchema.safeParse(raw);
  if (!parsed.success) throw new CardCallbackRefused(`not a DingTalk card callback: ${z.prettifyError(parsed.error)}`);
  let content: { cardPrivateData?: { actionIds?: unknown; params?: unknown } };
  try {
    content = JSON.parse(parsed.data.content ?? parsed.data.value ?? '{}');
  } catch {
    throw new CardCallbackRefused('the card callback\'s content is not JSON');
  }
  const actionIds = content.cardPrivateData?.actionIds;
  const actionId = Array.isArray(actionIds) && typeof actionIds[0] === 'string' ? actionIds[0] : null;
  if (!actionId) throw new CardCallbackRefused('the card callback names no action');
  const params = content.cardPrivateData?.params;
  return { outTrackId: parsed.data.outTrackId, userId: parsed.data.userId, actionId, params: params && typeof params === 'object' ? (params as Record<string, unknown>) : {} };
}

/** Null when the click took effect (or repeated one), else why not, in words for the clicker. */
export async function actOnDingtalkClick(click: DingtalkClick, context: HandlerContext): Promise<string | null> {
  const text = (key: string) => (typeof click.params[key] === 'string' && (click.params[key] as string).trim() ? (click.params[key] as string).trim() : undefined);
  const platform = DINGTALK_PLATFORM;
  try {
    if (click.actionId === TRIAGE_ACTION.file || click.actionId === TRIAGE_ACTION.ignore) {
      const decision = click.actionId === TRIAGE_ACTION.file ? 'file' : 'ignore';
      await decideTriage({ platform, triageId: click.outTrackId, userId: click.userId, decision, category: text('category') }, context);
    } else if (click.actionId === VISIT_TAKE) {
      await actOnVisitTask({ platform, taskId: click.outTrackId, userId: click.userId, action: 'take' }, context);
    } else if (click.actionId.startsWith(VISIT_DONE_PREFIX)) {
      const outcome = click.actionId.slice(VISIT_DONE_PREFIX.length) as VisitOutcome;
      if (!VISIT_OUTCOMES.includes(outcome)) return `操作未生效：未知的结果 ${outcome}`;
      await actOnVisitTask({ platform, taskId: click.outTrackId, userId: click.userId, action: 'done', outcome, note: text('note') }, context);
    } else if (CARD_ACTIONS.includes(click.actionId as CardAction)) {
      await actOnCard({ platform, cardId: click.outTrackId, userId: click.userId, action: click.actionId as CardAction, note: text('note') }, context);
    } else {
      context.log.warn({ actionId: click.actionId, outTrackId: click.outTrackId }, 'DingTalk card click with an unknown action id; ignored');
    }
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    context.log.info({ outTrackId: click.outTrackId, userId: click.userId, actionId: click.actionId, reason: error.message }, 'DingTalk card click refused');
    return `操作未生效：${error.message}`;
  }
}
