// 上门 as officers type it: the address, the reason and the by-when read from the words, forgiving about
// spacing, colons and the ways a time is said; a malformed one says what is wrong; other talk is no command.
// And the overdue steps of a task, as a pure rule.
import { parseVisitCommand } from '../../handlers/fraud/visitCommand';
import { dueVisitSteps } from '../../handlers/fraud/visitTaskClock';

const ZONE = 'Asia/Shanghai';
/** 2026-12-03 10:00 in the street. */
const NOW = new Date('2026-12-03T02:00:00Z');
const local = (iso: string) => new Date(`${iso}+08:00`);
const parse = (text: string) => parseVisitCommand(text, NOW, ZONE);

describe('the 上门 command', () => {
  it('reads address, reason and a by-when of today', () => {
    expect(parse('上门 嘉禾里6栋2单元302 独居老人近期频繁接到冒充公检法电话 今天18点前')).toEqual({
      ok: true, address: '嘉禾里6栋2单元302', reason: '独居老人近期频繁接到冒充公检法电话', dueAt: local('2026-12-03T18:00:00'),
    });
  });

  it.each([
    ['上门劝阻：桂香苑3栋1单元501，儿子被拉进刷单群，截止 明天 9:30', '桂香苑3栋1单元501', '儿子被拉进刷单群', '2026-12-04T09:30:00'],
    ['上门任务 幸福路12号 老人要去银行转安全账户 下午3点半前', '幸福路12号', '老人要去银行转安全账户', '2026-12-03T15:30:00'],
    ['上门 幸福路12号 老人要去银行转安全账户 截止18:00', '幸福路12号', '老人要去银行转安全账户', '2026-12-03T18:00:00'],
    ['上门 幸福路12号 老人要去银行转安全账户 今晚8点', '幸福路12号', '老人要去银行转安全账户', '2026-12-03T20:00:00'],
    ['上门 幸福路12号 老人要去银行转安全账户 12月5日 9点前', '幸福路12号', '老人要去银行转安全账户', '2026-12-05T09:00:00'],
    ['上门 幸福路12号 老人要去银行转安全账户 明天', '幸福路12号', '老人要去银行转安全账户', '2026-12-04T23:59:00'],
    // A time alone is its next occurrence: 9:00 has passed at 10:00, so tomorrow's.
    ['上门 幸福路12号 老人要去银行转安全账户 9:00前', '幸福路12号', '老人要去银行转安全账户', '2026-12-04T09:00:00'],
  ])('%s', (text, address, reason, due) => {
    expect(parse(text)).toEqual({ ok: true, address, reason, dueAt: local(due) });
  });

  it('reads labelled parts, an address with a space in it, and "N小时内" from now', () => {
    expect(parse('上门 地址：幸福路12号 2楼 原因：老人说要去银行转"安全账户" 2小时内')).toEqual({
      ok: true, address: '幸福路12号 2楼', reason: '老人说要去银行转"安全账户"', dueAt: new Date(NOW.getTime() + 2 * 3_600_000),
    });
  });

  it('leaves the by-when to the default when none is given, and does not take numbers in the reason for one', () => {
    expect(parse('上门 嘉禾里6栋2单元302 老人说骗子连续打了3个小时电话')).toEqual({ ok: true, address: '嘉禾里6栋2单元302', reason: '老人说骗子连续打了3个小时电话', dueAt: null });
    expect(parse('上门 嘉禾里6栋2单元302 骗子约她下午3点')).toMatchObject({ ok: true, dueAt: local('2026-12-03T15:00:00'), reason: '骗子约她' });
    expect(parse('上门 嘉禾里6栋2单元302 接到电话说中了5点')).toMatchObject({ ok: true, dueAt: null });
  });

  it('says what is wrong with a malformed one', () => {
    expect(parse('上门 嘉禾里6栋2单元302')).toMatchObject({ ok: false, problem: expect.stringContaining('地址和原因') });
    expect(parse('上门 今天18点前')).toMatchObject({ ok: false, problem: expect.stringContaining('地址和原因') });
    expect(parse('上门 嘉禾里6栋 冒充公检法 今天9点前')).toMatchObject({ ok: false, problem: expect.stringContaining('已经过了') });
    expect(parse('上门 嘉禾里6栋 冒充公检法 2月30日 9点')).toMatchObject({ ok: false, problem: expect.stringContaining('不是一个日期') });
    expect(parse('上门 嘉禾里6栋 冒充公检法 截止 25:00')).toMatchObject({ ok: false, problem: expect.stringContaining('不是一个时间') });
  });

  it('is no command in other talk, or in a quote of the bot\'s own notice', () => {
    expect(parse('上门服务今天暂停')).toBeNull();
    expect(parse('明天上门 嘉禾里6栋')).toBeNull();
    expect(parse('【上门任务】H-20261203-0001 嘉禾里6栋2单元302 已由 骑手 何军 接单')).toBeNull();
  });
});

describe('the overdue steps of a 上门 task', () => {
  const due = new Date('2026-12-03T10:00:00Z');
  const task = (over: Partial<Parameters<typeof dueVisitSteps>[0]> = {}) => ({ status: 'offered' as const, dueAt: due, remindedAt: null, escalatedAt: null, ...over });
  const at = (minutesPast: number) => new Date(due.getTime() + minutesPast * 60_000);
  const TWO_HOURS = 2 * 3_600_000;

  it('reminds once past the by-when, and tells the police once more than two hours past it', () => {
    expect(dueVisitSteps(task(), at(0), TWO_HOURS)).toEqual([]);
    expect(dueVisitSteps(task(), at(1), TWO_HOURS)).toEqual(['visit_reminder']);
    expect(dueVisitSteps(task({ remindedAt: at(1) }), at(120), TWO_HOURS)).toEqual([]);
    expect(dueVisitSteps(task({ remindedAt: at(1) }), at(121), TWO_HOURS)).toEqual(['visit_escalation']);
    expect(dueVisitSteps(task({ remindedAt: at(1), escalatedAt: at(121) }), at(600), TWO_HOURS)).toEqual([]);
    // A sweep that missed both takes both, reminder first.
    expect(dueVisitSteps(task({ status: 'taken' }), at(300), TWO_HOURS)).toEqual(['visit_reminder', 'visit_escalation']);
  });

  it('takes no step for a task that is done or withdrawn', () => {
    expect(dueVisitSteps(task({ status: 'done' }), at(300), TWO_HOURS)).toEqual([]);
    expect(dueVisitSteps(task({ status: 'cancelled' }), at(300), TWO_HOURS)).toEqual([]);
  });
});
