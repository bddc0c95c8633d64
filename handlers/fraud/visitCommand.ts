// Reading a police officer's 上门 command: "上门 <地址> <原因> [截止 <时间>]", as people type it in a chat. Pure:
// the text, the time it was sent and the street's time zone in; the task's parts, or what is wrong, out.
//
//   上门 嘉禾里6栋2单元302 独居老人近期频繁接到冒充公检法电话 今天18点前
//   上门劝阻：桂香苑3栋1单元501，儿子被拉进刷单群，截止 明天 9:30
//   上门 地址：幸福路12号 2楼 原因：老人说要去银行转"安全账户" 2小时内
//
// The address is the first word (or what follows 地址：); the reason is the rest. The by-when is optional
// and read from the end: 今天 / 明天 / 后天, 上午 / 下午 / 晚上, 18点, 18点半, 18:30, "前"; a time alone is
// its next occurrence; "N小时内" counts from now; a day alone is the end of that day.
import { localDay, localMidnight } from '../localTime';

export interface VisitCommand {
  address: string;
  reason: string;
  /** null: none given, the default applies. */
  dueAt: Date | null;
}

export type ParsedVisitCommand = ({ ok: true } & VisitCommand) | { ok: false; problem: string };

export const VISIT_COMMAND_EXAMPLE = '上门 嘉禾里6栋2单元302 独居老人近期频繁接到冒充公检法电话 今天18点前';

export const MAX_ADDRESS_LENGTH = 200;
export const MAX_REASON_LENGTH = 1000;

/** 上门, 上门劝阻 or 上门任务, then a space or a colon. A quote of the bot's 【上门任务】 notice does not match. */
const COMMAND = /^\s*上门(?:劝阻|任务)?[\s:：]+([\s\S]+)$/;
const KEYWORD = '(?:截止|截至|期限|限)(?:时间)?[\\s:：]*';
const RELATIVE = new RegExp(`(${KEYWORD})?(\\d{1,2})\\s*个?(?:小时|钟头)(内|之内|以内)?$`);
const DAY = '今天|今日|今晚|明天|明日|明早|明晚|后天|\\d{1,2}月\\d{1,2}[日号]';
const CLOCK = new RegExp(
  `(${KEYWORD})?(${DAY})?\\s*(凌晨|早上|上午|中午|下午|傍晚|晚上)?\\s*(\\d{1,2})(?:([:：])(\\d{2})|点(?:(半)|(\\d{1,2})分?)?)\\s*(前|之前|以前)?$`,
);
const DAY_ONLY = new RegExp(`(${KEYWORD})?(${DAY})(?:内|之内|以内|前|之前)?$`);
const DAY_OFFSET: Record<string, number> = { 今天: 0, 今日: 0, 今晚: 0, 明天: 1, 明日: 1, 明早: 1, 明晚: 1, 后天: 2 };
const AFTERNOON = new Set(['下午', '傍晚', '晚上']);
const SEPARATORS = /[\s,，;；。.!！]+$/;
const HOUR = 3_600_000;

/** The command's parts when the text is a 上门 command, with a problem to tell the officer if it is malformed; null when it is no 上门 command. */
export function parseVisitCommand(text: string, now: Date, timeZone: string): ParsedVisitCommand | null {
  const body = COMMAND.exec(text)?.[1];
  if (body === undefined) return null;
  let rest = body.trim().replace(SEPARATORS, '');
  let dueAt: Date | null = null;

  const deadline = readDeadline(rest, now, timeZone);
  if (deadline) {
    if ('problem' in deadline) return { ok: false, problem: deadline.problem };
    dueAt = deadline.dueAt;
    rest = rest.slice(0, deadline.index).replace(SEPARATORS, '');
  }

  const labelled = /^地址[:：]\s*([\s\S]+?)[\s,，;；]*原因[:：]\s*([\s\S]+)$/.exec(rest);
  const split = labelled ?? /^(?:地址[:：]\s*)?(\S+?)[\s,，;；]+(?:原因[:：]\s*)?([\s\S]+)$/.exec(rest);
  if (!split) return { ok: false, problem: `上门任务要写地址和原因，例如：${VISIT_COMMAND_EXAMPLE}` };
  const address = split[1].trim().replace(/[,，;；]+$/, '');
  const reason = split[2].trim();
  if (!address || !reason) return { ok: false, problem: `上门任务要写地址和原因，例如：${VISIT_COMMAND_EXAMPLE}` };
  if (address.length > MAX_ADDRESS_LENGTH) return { ok: false, problem: `地址最多 ${MAX_ADDRESS_LENGTH} 字，这次有 ${address.length} 字` };
  if (reason.length > MAX_REASON_LENGTH) return { ok: false, problem: `原因最多 ${MAX_REASON_LENGTH} 字，这次有 ${reason.length} 字` };
  return { ok: true, address, reason, dueAt };
}

/** The by-when at the end of `text`, where it starts, or why it cannot be; null when there is none. */
function readDeadline(text: string, now: Date, timeZone: string): { dueAt: Date; index: number } | { problem: string } | null {
  const relative = RELATIVE.exec(text);
  // "打了3个小时" is part of a reason; "3小时内" or "截止 3小时" is a by-when.
  if (relative && (relative[1] || relative[3])) {
    const hours = Number(relative[2]);
    if (hours < 1) return { problem: '截止时间至少 1 小时后' };
    return { dueAt: new Date(now.getTime() + hours * HOUR), index: relative.index };
  }

  const clock = CLOCK.exec(text);
  // A bare number with 点 at the end ("…打了3点") is no deadline: it needs a day, a keyword, 上午/下午, 前, or hh:mm.
  if (clock && (clock[1] || clock[2] || clock[3] || clock[5] || clock[9])) {
    const [, , day, period, hourText, , minuteText, half, minuteAfterDian] = clock;
    let hour = Number(hourText);
    const minute = minuteText !== undefined ? Number(minuteText) : half ? 30 : minuteAfterDian !== undefined ? Number(minuteAfterDian) : 0;
    if (hour > 24 || minute > 59 || (hour === 24 && minute > 0)) return { problem: `截止时间「${clock[0].trim()}」不是一个时间` };
    const evening = (period && AFTERNOON.has(period)) || day === '今晚' || day === '明晚';
    if (hour < 12 && (evening || (period === '中午' && hour < 11))) hour += 12;
    const date = day ? dayOf(day, now, timeZone) : localDay(now, timeZone);
    if (!date) return { problem: `截止日期「${day}」不是一个日期` };
    const at = (on: string) => new Date(localMidnight(on, timeZone).getTime() + hour * HOUR + minute * 60_000);
    let dueAt = at(date);
    // A time alone is its next occurrence: "18:00" said at 19:00 means tomorrow.
    if (!day && dueAt <= now) dueAt = at(addDays(localDay(now, timeZone), 1));
    if (dueAt <= now) return { problem: `截止时间「${clock[0].trim()}」已经过了` };
    return { dueAt, index: clock.index };
  }

  const dayOnly = DAY_ONLY.exec(text);
  if (dayOnly) {
    // The end of that day: 23:59 local.
    const date = dayOf(dayOnly[2], now, timeZone);
    if (!date) return { problem: `截止日期「${dayOnly[2]}」不是一个日期` };
    const dueAt = new Date(localMidnight(addDays(date, 1), timeZone).getTime() - 60_000);
    if (dueAt <= now) return { problem: `截止时间「${dayOnly[0].trim()}」已经过了` };
    return { dueAt, index: dayOnly.index };
  }
  return null;
}

/** The local day ("2026-12-03") a day word names: 今天, 明天, 后天, or 12月5日 (this year's, or next year's once past). */
function dayOf(word: string, now: Date, timeZone: string): string | null {
  const today = localDay(now, timeZone);
  const date = /^(\d{1,2})月(\d{1,2})[日号]$/.exec(word);
  if (!date) return addDays(today, DAY_OFFSET[word]);
  const year = Number(today.slice(0, 4));
  const named = (y: number) => `${y}-${date[1].padStart(2, '0')}-${date[2].padStart(2, '0')}`;
  const day = named(year) < today ? named(year + 1) : named(year);
  // 2月30日 is no day: the calendar would quietly make it 3月2日.
  return addDays(day, 0) === day ? day : null;
}

/** "2026-12-03" plus days. */
function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}
