// 反诈预警: a community police officer's warning goes to every resident group and the riders' group at once.
// Posted in the police post's worker group as "预警 <text>" (only by a member of the post), or through the
// admin API. The broadcast, its outbox rows (one per group) and the claim of the message that asked for it
// are one transaction: a repeated delivery or job sends nothing twice.
import type { InboundMessage } from '../../storage/entities';
import { writeBroadcast, type BroadcastResult } from '../broadcasts/broadcast';
import { claimMessage } from '../intake/claimMessage';
import type { HandlerContext } from '../context';
import { policeWarningNotice } from '../delivery/notices';
import { invalid } from '../errors';

const COMMAND = /^\s*(?:【\s*)?预警(?:\s*】)?[\s:：]*([\s\S]+)$/;
export const POLICE_WARNING_OUTCOME = 'police_warning';
const MAX_WARNING_LENGTH = 1000;

/** The warning's text when the message is a 预警 command, else null. */
export function policeWarningText(text: string): string | null {
  const found = COMMAND.exec(text)?.[1]?.trim();
  return found ? found : null;
}

export async function broadcastPoliceWarning(
  warning: { text: string; sentBy: string; sourceMessage?: InboundMessage },
  context: HandlerContext,
): Promise<BroadcastResult | null> {
  const text = warning.text.trim();
  if (!text) throw invalid('a police warning needs its text');
  if (text.length > MAX_WARNING_LENGTH) throw invalid(`a police warning is at most ${MAX_WARNING_LENGTH} characters; this one is ${text.length}`);
  const now = context.clock();
  const result = await context.db.write(async (manager) => {
    if (warning.sourceMessage) {
      const claimed = await claimMessage(manager, warning.sourceMessage.id, { status: 'done', code: POLICE_WARNING_OUTCOME, classifiedBy: 'police warning (预警)', at: now });
      if (!claimed) return null;
    }
    const notice = policeWarningNotice(text, warning.sentBy);
    return writeBroadcast(manager, { kind: 'police_warning', text, notice, sentBy: warning.sentBy, sourceMessageId: warning.sourceMessage?.id, to: ['resident', 'volunteer'] }, now);
  });
  if (!result) return null;
  await result.outbox.flush(context);
  context.log.info(result.result, 'police warning broadcast');
  return result.result;
}
