// The words the bot says in groups. Kept in one place so a street can read (and later localise) them all.
import type { Incident } from '../../storage/entities';
import { humanDuration, localShortTime } from '../localTime';

export const URGENCY_LABEL = { critical: '红色紧急', high: '橙色较急', normal: '常规' } as const;

/** Who decided, as the timeline tells a person: 规则, 模型, 大模型（deepseek-chat）, 模型（大模型未答：超时）. */
export function classifierName(source: string): string {
  const veto = source.endsWith(':critical-veto') ? '（紧急规则）' : '';
  const plain = veto ? source.slice(0, -':critical-veto'.length) : source;
  if (plain.startsWith('llm:')) return `大模型（${plain.slice(4)}）${veto}`;
  const [decider, failure] = plain.split('-fallback:');
  const base = DECIDER_NAME[decider] ?? decider;
  return failure ? `${base}（大模型未答：${LLM_FAILURE_NAME[failure] ?? failure}）${veto}` : `${base}${veto}`;
}

const DECIDER_NAME: Record<string, string> = { rules: '规则', model: '模型' };
const LLM_FAILURE_NAME: Record<string, string> = {
  timeout: '超时', rate_limited: '限流', http_error: '接口出错', network: '网络不通', invalid_json: '回答格式不对',
  invalid_answer: '回答无效', breaker_open: '暂停调用', internal: '内部错误',
};

interface Names {
  categoryName: string;
  leadPostName: string;
  assistPostNames: string[];
  timeZone: string;
  /** The words named no place a worker could find: the receipt asks once. */
  askPlace?: boolean;
}

/** Who a notice in a busy group answers: "@王秀英 您反映的「3栋外墙瓷砖掉落…」". */
export interface Addressee {
  name: string;
  /** The resident's report, of which a few words are quoted. */
  text: string;
}

const FEW_WORDS = 14;

export function addressLine(to: Addressee): string {
  // The @-mention of the bot (or of 网格员) that opens a group message is no part of what they reported.
  const words = to.text.replace(/^(?:\s*@\S+\s*)+/u, '').replace(/\s+/g, ' ').trim() || to.text.trim();
  return `@${to.name} 您反映的「${words.length > FEW_WORDS ? words.slice(0, FEW_WORDS) + '…' : words}」`;
}

/** 受理回执: the number, who handles it and the promised times. */
export function receiptNotice(incident: Incident, names: Names, to: Addressee): string {
  const promise = [
    `${humanDuration(incident.acceptBy.getTime() - incident.createdAt.getTime())}内接单`,
    incident.arriveBy ? `${humanDuration(incident.arriveBy.getTime() - incident.createdAt.getTime())}内到场` : null,
    `${localShortTime(incident.resolveBy, names.timeZone)} 前办结`,
  ].filter(Boolean);
  const handlers = `${names.leadPostName}主办` + (names.assistPostNames.length ? `，${names.assistPostNames.join('、')}协办` : '');
  const lines = [
    `【受理回执】编号 ${incident.number}`,
    `${addressLine(to)}已受理。`,
    `类别：${names.categoryName}（${URGENCY_LABEL[incident.urgency]}）`,
    `已派：${handlers}`,
    `承诺：${promise.join('，')}。`,
    `查询进度请发「${incident.number} 进度」。`,
  ];
  if (names.askPlace) lines.push(PLACE_QUESTION);
  if (incident.urgency === 'critical') lines.push(CRITICAL_ADVICE[incident.category] ?? CRITICAL_ADVICE.default);
  return lines.join('\n');
}

/** Asked once, in the receipt, when the words name no place a worker could find; the answer joins the case. */
export const PLACE_QUESTION = '请补充具体位置：在哪个小区哪一栋？直接回复即可（如「桂香苑8栋2单元」）。';

/** What to do this minute, in a red case's receipt: for money moving now, the steps that can still stop it. */
const CRITICAL_ADVICE: Record<string, string> = {
  default: '情况危急请同时拨打 119 / 110 / 120，注意自身安全。',
  fraud_report: '请马上：停止转账，挂断电话，退出共享屏幕、卸载对方让装的软件；立即拨打 110 或 96110 反诈专线，并致电开户银行冻结止付。已同时通知社区民警和街道指挥中心。',
};

export function acceptedNotice(incident: Incident, workerName: string, postName: string, to: Addressee): string {
  return `【已接单】${incident.number} ${addressLine(to)}已由${postName} ${workerName} 接单，正在处理。`;
}

/** The resolution, and the question that closes the loop: the resident's answer closes or reopens the case. */
export function resolvedNotice(incident: Incident, workerName: string, postName: string, note: string, to: Addressee, autoCloseMs: number): string {
  return [
    `【已办结】${incident.number} ${addressLine(to)}已由${postName} ${workerName} 办结：${note}`,
    `请回复「${incident.number} 满意」或「${incident.number} 不满意」。问题仍在请回复「${incident.number} 还没解决」并说明情况，将退回重新办理；`,
    `${humanDuration(autoCloseMs)}内未回复将自动结案。`,
  ].join('\n');
}

/** The resident's 满意: the case is closed. */
export function closedNotice(incident: Incident, to: Addressee): string {
  return `【已结案】${incident.number} ${addressLine(to)}已结案，感谢您的评价。`;
}

/** No answer within AUTO_CLOSE_H. */
export function autoClosedNotice(incident: Incident, to: Addressee, autoCloseMs: number): string {
  return `【已结案】${incident.number} ${addressLine(to)}办结后 ${humanDuration(autoCloseMs)}未收到反馈，已自动结案。如问题再次出现，请回复「${incident.number} 还没解决」。`;
}

/** 不满意 / 还是没解决: back to the post that resolved it, with a new resolve deadline. */
export function reopenedNotice(incident: Incident, postName: string, to: Addressee, timeZone: string): string {
  return `【重新办理】${incident.number} ${addressLine(to)}已退回${postName}重新办理，新的办结时限 ${localShortTime(incident.resolveBy, timeZone)}。`;
}

/** To the post's group: the resident is not satisfied; their words. */
export function reopenedForPostNotice(incident: Incident, ownerName: string | null, residentWords: string, timeZone: string): string {
  return [
    `【重办】${incident.number} 居民反馈问题未解决，案件已重新打开。`,
    `居民原话：${residentWords}`,
    `${ownerName ? `@${ownerName} ` : ''}请重新处理，办结时限 ${localShortTime(incident.resolveBy, timeZone)}。`,
  ].join('\n');
}

/** 改派: the resident learns who handles the case now. */
export function reroutedNotice(incident: Incident, postName: string, to: Addressee, timeZone: string): string {
  return `【已改派】${incident.number} ${addressLine(to)}已改由${postName}办理，${localShortTime(incident.acceptBy, timeZone)} 前接单，${localShortTime(incident.resolveBy, timeZone)} 前办结。`;
}

/** 上报: to the group handling the level above. */
export function escalatedLevelNotice(incident: Incident, names: { categoryName: string; fromLevel: string; toLevel: string; postName: string; workerName: string }, reason: string): string {
  return [
    `【上报】${incident.number} ${names.categoryName}（${URGENCY_LABEL[incident.urgency]}）· ${incident.place}`,
    `${names.postName} ${names.workerName} 从${names.fromLevel}上报至${names.toLevel}：${reason}`,
    `居民原话：${incident.text}`,
    `请${names.toLevel}层级协调处置。`,
  ].join('\n');
}

export function escalatedResidentNotice(incident: Incident, toLevel: string, to: Addressee): string {
  return `【已上报】${incident.number} ${addressLine(to)}需${toLevel}层面协调处理，已上报${toLevel}，处理进展会在群里告知。`;
}

/** A case number asked about: where it stands. */
export function progressNotice(incident: Incident, state: { categoryName: string; postName: string; ownerName: string | null; levelName: string; timeZone: string; now: Date }, asker: string): string {
  const at = (date: Date) => localShortTime(date, state.timeZone);
  const status = STATUS_WORDS[incident.status];
  const details: string[] = [];
  if (incident.status === 'dispatched' || incident.status === 'returned') {
    details.push(`${state.postName}${incident.acceptBy < state.now ? `已超过接单时限（${at(incident.acceptBy)}），已催办` : `将于 ${at(incident.acceptBy)} 前接单`}`);
  }
  if (incident.status === 'accepted') {
    details.push(`${state.postName}${state.ownerName ? ` ${state.ownerName}` : ''} 正在处理`);
    details.push(incident.resolveBy < state.now ? `已超过办结时限（${at(incident.resolveBy)}），已督办` : `办结时限 ${at(incident.resolveBy)}`);
  }
  if (incident.status === 'resolved' && incident.resolvedAt) details.push(`${at(incident.resolvedAt)} 办结，等待您确认`);
  if (incident.status === 'closed' && incident.closedAt) details.push(`${at(incident.closedAt)} 结案`);
  if (incident.reopenCount > 0) details.push(`已重办 ${incident.reopenCount} 次`);
  return [
    `【办理进度】@${asker} ${incident.number} ${state.categoryName} · ${incident.place}`,
    `当前：${status}（${state.levelName}层级处置）${details.length ? '，' + details.join('，') : ''}。`,
  ].join('\n');
}

export function unknownCaseNotice(number: string, asker: string): string {
  return `【办理进度】@${asker} 没有找到编号 ${number} 的案件，请核对编号（形如 A-20261202-0001）。`;
}

/** Posted into a group where scam bait appeared; the police card goes out separately. */
/** 反诈提醒 under scam bait: what kind of scam it is (when the detector could tell) and what to do. */
export function scamWarningNotice(incident: Incident, bait: { type: { name: string; advice: string } | null }): string {
  // A known kind comes with its own advice; otherwise the advice that holds for every scam.
  const what = bait.type
    ? `上面这条消息疑似「${bait.type.name}」诈骗。${bait.type.advice}`
    : '上面这条消息疑似诈骗信息。请大家不要点链接、不要扫码、不要转账，不要提供身份证、银行卡和验证码。';
  return [
    `【反诈提醒】${what}`,
    `已通知社区民警核查（${incident.number}）。拿不准就拨打 96110 反诈专线咨询；如已转账或泄露信息，请立即拨打 110。`,
  ].join('\n');
}

/** 每周反诈提示, as every resident group sees it on Monday morning. */
export function weeklyTipNotice(tip: { title: string; text: string }): string {
  return [`【每周反诈提示】${tip.title}`, tip.text, '拿不准就拨打 96110 反诈专线咨询，已被骗请立即报警 110。'].join('\n');
}

/** 反诈预警, as every resident and rider group sees it. */
export function policeWarningNotice(text: string, sentBy: string): string {
  return [`【反诈预警】${text}`, `—— ${sentBy}`, '接到可疑电话、短信、链接，不转账、不点击、不透露验证码；拿不准就拨打 96110 咨询，已被骗请立即报警 110。'].join('\n');
}

export function consultForwardedNotice(askerName: string): string {
  return `@${askerName} 您的问题已转给网格员，稍后在群里答复您。`;
}

/** To the resident whose message went to triage: heard, a person will look. */
export function triageAckNotice(askerName: string): string {
  return `@${askerName} 收到，已转网格员确认，如需处理会登记并回复您。`;
}

/** To the resident when the grid worker decided the message needs nothing (忽略). */
export function triageIgnoredNotice(askerName: string): string {
  return `@${askerName} 网格员已看过您的消息，暂无需登记处理；如有问题请直接 @我 说明情况和位置。`;
}

/** The dispatcher's card note for a report from a chat not yet bound to a community or grid. */
export function unboundChatNote(groupName: string, suggestedPostName: string): string {
  return `来自未绑定社区的群「${groupName}」，请确认地点后接办或改派（建议 ${suggestedPostName}）；群管理员可在群里发“绑定 社区 <编码>”`;
}

export function returnedToDispatchText(incident: Incident, fromPostName: string, workerName: string, reason: string): string {
  return `【退回件】${incident.number} 被${fromPostName} ${workerName} 退回：${reason}。请重新研判派单或直接接办。`;
}

export function processingFailedNotice(groupName: string, senderName: string, text: string, error: string): string {
  return `【消息处理失败】${groupName} · ${senderName}：${text}\n原因：${error}\n已重试多次仍失败，请人工处理。`;
}

export function deliveryFailedNotice(groupName: string, text: string, error: string): string {
  return `【发送失败】发往「${groupName}」的消息多次发送失败（${error}），请人工联系：\n${text}`;
}

const STATUS_WORDS: Record<Incident['status'], string> = {
  new: '待派单', dispatched: '待接单', accepted: '处理中', returned: '重新派单中',
  resolved: '已办结', closed: '已结案', merged: '已合并',
};

/** The same resident sent the same report again: it is the case already open, not a new one. */
export function repeatReportNotice(incident: Incident, timeZone: string, reporterName: string): string {
  return (
    `【已在处理】@${reporterName} 您反映的问题已登记，编号 ${incident.number}（${localShortTime(incident.createdAt, timeZone)} 受理，` +
    `当前${STATUS_WORDS[incident.status]}），无需重复发送。如有新情况，请直接补充说明。`
  );
}

/** A neighbour's report of a problem already open: joined into that case, whose number they get. */
export function joinedReportNotice(incident: Incident, timeZone: string, reporterName: string): string {
  return (
    `【已在处理】@${reporterName} 您反映的问题已有邻居反映，已并入编号 ${incident.number}（${localShortTime(incident.createdAt, timeZone)} 受理，` +
    `当前${STATUS_WORDS[incident.status]}，共 ${incident.reportCount} 位居民反映），将一并处理。查询进度请发「${incident.number} 进度」。`
  );
}

/** The reporter said where it is: the case's place now. */
export function placeGivenNotice(incident: Incident, reporterName: string): string {
  return `【已补充位置】@${reporterName} 编号 ${incident.number} 的位置已记为：${incident.place}，已告知处理人员。`;
}

/** 我的积分: a volunteer's standing, or how to earn points for anyone else. */
export function pointsAnswerNotice(name: string, standing: { total: number; week: number; rank: number; of: number } | null): string {
  if (!standing) return `【志愿积分】@${name} 积分面向骑手志愿者：加入志愿者群后，随手拍上报成案、完成上门劝阻任务都可获得积分。`;
  if (standing.total === 0) return `【志愿积分】@${name} 您还没有积分：随手拍上报成案、完成上门劝阻任务都可获得积分。`;
  return `【志愿积分】@${name} 您的积分：${standing.total} 分（本周 ${standing.week} 分），在全街道 ${standing.of} 位志愿者中排第 ${standing.rank} 名。感谢守护邻里！`;
}

/** 一类事: to the dispatcher, when one kind of problem keeps coming back at one place. */
export function hotspotNotice(categoryName: string, place: string, numbers: string[], windowMs: number): string {
  return [
    `【一类事提醒】${place} 近 ${humanDuration(windowMs)}已有 ${numbers.length} 起「${categoryName}」：${numbers.join('、')}。`,
    '建议从一件事到一类事：排查根源，统一处置，必要时上报。',
  ].join('\n');
}

/** To the grid worker's group, once per flood. */
export function floodNotice(groupName: string, senderName: string | null, flood: { count: number; limit: number }): string {
  const who = senderName ? `${groupName} · ${senderName}` : groupName;
  return (
    `【刷屏提醒】${who} 1 分钟内发了 ${flood.count} 条消息（上限 ${flood.limit} 条）。` +
    '超出的消息已全部记录，暂不自动受理；请到群里了解情况，如有真实诉求请人工登记。'
  );
}

/**
 * The headers the bot's own notices and cards start with, and the ones people write when they imitate or
 * paste them (【办结通知】). A message that starts with one quotes the bot; it is not a new report.
 */
const BOT_HEADER = /^[「『“"《<]?\s*【\s*(受理回执|已接单|已办结|已结案|重新办理|重办|已改派|上报|已上报|办理进度|已在处理|反诈提醒|反诈预警|每周反诈提示|上门任务|退回件|居民咨询|可能需要上报|一类事提醒|志愿积分|已补充位置|消息处理失败|发送失败|刷屏提醒|主办派单|协办派单|临期提醒|超时未接单|超时未办结|(?:受理|接单|派单|办结|结案|退回|催办|督办)(?:回执|通知|提醒|单)?)\s*】/;

/** The bot header a message opens with, e.g. "已办结", or null when it is not a quote of the bot. */
export function quotedBotHeader(text: string): string | null {
  return BOT_HEADER.exec(text.trim())?.[1] ?? null;
}

/** Who a clock notice is about: the case, its category's name, its lead post's name, how late it is. */
interface Overdue {
  incident: Incident;
  categoryName: string;
  postName: string;
  lateMs: number;
}

const caseLine = ({ incident, categoryName }: Pick<Overdue, 'incident' | 'categoryName'>) => `${incident.number} ${categoryName}（${URGENCY_LABEL[incident.urgency]}）· ${incident.place}`;
const mentions = (names: string[]) => names.map((name) => `@${name}`).join(' ');

/** 催办: in the post's group, to its members on duty. */
export function acceptReminderNotice(overdue: Overdue, memberNames: string[]): string {
  return [
    `【催办】${caseLine(overdue)}`,
    `已超过接单时限 ${humanDuration(overdue.lateMs)}，仍未接单。`,
    `居民原话：${overdue.incident.text}`,
    `${mentions(memberNames) || overdue.postName} 请尽快接单。`,
  ].join('\n');
}

/** The post's leader (AB岗), named in the post's group. */
export function acceptLeaderNotice(overdue: Overdue, leaderNames: string[]): string {
  return [
    `【催办·负责人】${caseLine(overdue)}`,
    `${overdue.postName} 已超时 ${humanDuration(overdue.lateMs)} 未接单。`,
    `${mentions(leaderNames) || `${overdue.postName}负责人`} 请督促接单或指派他人（AB岗）。`,
  ].join('\n');
}

/** The command centre, marked red. */
export function acceptCommandNotice(overdue: Overdue): string {
  return [
    `🔴【超时未接单】${caseLine(overdue)}`,
    `${overdue.postName} 已超时 ${humanDuration(overdue.lateMs)} 未接单，请指挥中心调度。`,
    `居民原话：${overdue.incident.text}`,
  ].join('\n');
}

/** Heads-up at 80% of the resolve limit, to the worker who accepted (in the post's group). */
export function resolveWarningNotice(overdue: Omit<Overdue, 'lateMs'>, ownerName: string | null, leftMs: number, timeZone: string): string {
  return [
    `【临期提醒】${caseLine(overdue)}`,
    `距办结时限（${localShortTime(overdue.incident.resolveBy, timeZone)}）还剩 ${humanDuration(leftMs)}。`,
    `${ownerName ? `@${ownerName}` : overdue.postName} 请抓紧办理；无法在本层级办结的请点「上报」。`,
  ].join('\n');
}

/** 督办: the resolve deadline has passed; to the post's group and to the command centre. */
export function resolveOverdueNotice(overdue: Overdue, ownerName: string | null, forCommand: boolean): string {
  const who = ownerName ? `${overdue.postName} ${ownerName}` : overdue.postName;
  return [
    `${forCommand ? '🔴' : ''}【督办】${caseLine(overdue)}`,
    `已超过办结时限 ${humanDuration(overdue.lateMs)}，${who} 仍未办结。`,
    forCommand ? '请指挥中心跟进督办。' : `${ownerName ? `@${ownerName} ` : ''}请立即办理并在卡片上反馈进展。`,
  ].join('\n');
}
