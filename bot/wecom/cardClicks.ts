// A click on one of the bot's WeCom cards, from the app's callback or the bot's long connection alike: a
// dispatch card's button acts on its case (actOnCard), a triage card's files or ignores its message
// (decideTriage), a 上门 task card's takes the task or reports it done (actOnVisitTask). A refusal comes back as the words to tell the clicker; the card stays as it was.
import type { HandlerContext } from '../../handlers/context';
import { DomainError } from '../../handlers/errors';
import { actOnCard } from '../../handlers/incidents/actOnCard';
import { CARD_ACTIONS, type CardAction } from '../../handlers/incidents/incidentStateMachine';
import { decideTriage } from '../../handlers/intake/triage';
import type { SelectedItem } from './appXml';
import { NOTE_QUESTION_KEY, noteOfOption } from './cardNotes';
import { WECOM_PLATFORM } from './chats';
import { CATEGORY_QUESTION_KEY, TRIAGE_KEYS, cardIdOfTask, visitActionOfKey } from './templateCard';
import { actOnVisitTask } from '../../handlers/fraud/visitTasks';

export interface WecomClick {
  eventKey: string;
  taskId: string;
  userId: string;
  selectedItems: SelectedItem[];
  /** The handle to update the card with (cardHandle of replyHandles.ts). */
  replyRef: string | undefined;
}

const NEEDS_NOTE: ReadonlySet<CardAction> = new Set(['return', 'resolve', 'escalate']);

/** Null when the click took effect (or changed nothing because it repeated one), else why not, in words. */
export async function actOnWecomClick(click: WecomClick, context: HandlerContext): Promise<string | null> {
  const chosen = (question: string) => click.selectedItems.find((item) => item.questionKey === question)?.optionIds[0];
  const cardId = cardIdOfTask(click.taskId);
  try {
    if (click.eventKey === TRIAGE_KEYS.file || click.eventKey === TRIAGE_KEYS.ignore) {
      const decision = click.eventKey === TRIAGE_KEYS.file ? 'file' : 'ignore';
      await decideTriage({ platform: WECOM_PLATFORM, triageId: cardId, userId: click.userId, decision, category: chosen(CATEGORY_QUESTION_KEY), replyRef: click.replyRef }, context);
      return null;
    }
    // 上门 task: 接单, or 完成 with the outcome its button names.
    const visit = visitActionOfKey(click.eventKey);
    if (visit) {
      await actOnVisitTask({ platform: WECOM_PLATFORM, taskId: cardId, userId: click.userId, ...visit, replyRef: click.replyRef }, context);
      return null;
    }
    const action = click.eventKey as CardAction;
    if (!CARD_ACTIONS.includes(action)) {
      context.log.warn({ eventKey: click.eventKey, taskId: click.taskId }, 'WeCom card click with an unknown button key; ignored');
      return null;
    }
    const note = noteOfOption(chosen(NOTE_QUESTION_KEY));
    try {
      await actOnCard({ platform: WECOM_PLATFORM, cardId, userId: click.userId, action, note, replyRef: click.replyRef }, context);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid' && !note && NEEDS_NOTE.has(action)) return '操作未生效：请先在卡片的「说明」中选一项，再点按钮。';
      throw error;
    }
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // Not a member, the case moved on, a category missing: the worker sees why.
    context.log.info({ taskId: click.taskId, userId: click.userId, eventKey: click.eventKey, reason: error.message }, 'WeCom card click refused');
    return `操作未生效：${error.message}`;
  }
}
