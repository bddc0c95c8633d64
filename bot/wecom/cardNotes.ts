// A WeCom button card has no text box, and 退回 / 办结 / 上报 need a reason or what was done. The card
// carries a drop-down (button_selection) of the usual ones; the click brings the choice with it.
export const NOTE_QUESTION_KEY = 'note';

export const NOTE_OPTIONS = [
  { id: 'done_on_site', text: '已现场处置完毕' },
  { id: 'done_by_contact', text: '已联系当事人，问题已解决' },
  { id: 'not_our_post', text: '非本岗位职责，请改派' },
  { id: 'outside_area', text: '地址不在本辖区' },
  { id: 'needs_higher_level', text: '需上级协调处置' },
] as const;

export function noteSelection(): Record<string, unknown> {
  return { question_key: NOTE_QUESTION_KEY, title: '说明（退回 / 办结 / 上报时必选）', option_list: NOTE_OPTIONS.map(({ id, text }) => ({ id, text })) };
}

export function noteOfOption(optionId: string | undefined): string | undefined {
  return NOTE_OPTIONS.find((option) => option.id === optionId)?.text;
}
