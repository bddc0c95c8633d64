// The card's place line: where the group is bound, plus the place the resident named (6栋2单元, 枣子湾路28号,
// 桂香苑南门, 负一楼车库), so a worker reading the card knows where to go before reading the whole message.
import { extractPlace } from '../place/extractPlace';

/** The place named in the text, whole and as written (see extractPlace), or null. */
export function extractPlaceHint(text: string): string | null {
  return extractPlace(text)?.text ?? null;
}

/**
 * The card's place line: where the group is bound, plus what the resident named. `written`: the place as the
 * LLM read it from the text (楼栋/单元/路名), preferred to the extracted one.
 */
export function describePlace(orgUnitName: string | null, text: string, written?: string | null): string {
  const hint = written?.trim() || extractPlaceHint(text);
  return [orgUnitName, hint].filter(Boolean).join(' · ') || '未注明';
}
