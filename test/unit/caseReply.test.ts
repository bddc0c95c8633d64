import { replyIntent, residentWords } from '../../handlers/intake/caseReply';
import { isHeldForQuietHours, isQuietTime } from '../../handlers/clock/quietHours';

describe('a resident\'s reply about a case', () => {
  it.each([
    ['A-20261202-0001 满意', 'satisfied'],
    ['A-20261202-0001 非常满意，谢谢网格员', 'satisfied'],
    ['A-20261202-0001 已经解决了', 'satisfied'],
    ['A-20261202-0001 不满意', 'dissatisfied'],
    ['A-20261202-0001 电瓶车又推回来了，还是没解决', 'dissatisfied'],
    ['A-20261202-0001 根本没人来', 'dissatisfied'],
    ['A-20261202-0001 进度怎么样', 'progress'],
    ['请问 A-20261202-0001 到哪一步了', 'progress'],
  ])('%s → %s', (text, intent) => {
    expect(replyIntent(residentWords(text))).toBe(intent);
  });

  it('reads only the resident\'s own words, not the notice they quote (which itself says 满意 / 不满意)', () => {
    const quoted = '【已办结】A-20261202-0001 已由消防安全岗 阎磊 办结：已拆除飞线\n请回复「A-20261202-0001 满意」或「A-20261202-0001 不满意」。\n- - - - - -\n满意';
    expect(residentWords(quoted)).toBe('满意');
    expect(replyIntent(residentWords(quoted))).toBe('satisfied');
    expect(residentWords('【受理回执】编号 A-20261202-0003\n类别：消防隐患（红色紧急）')).toBe('');
  });
});

describe('quiet hours', () => {
  const night = { startMinute: 22 * 60, endMinute: 7 * 60 };
  const at = (utc: string) => new Date(utc);
  it('cross midnight in the street\'s time zone', () => {
    expect(isQuietTime(at('2026-12-02T14:00:00Z'), night, 'Asia/Shanghai')).toBe(true); // 22:00
    expect(isQuietTime(at('2026-12-02T13:59:00Z'), night, 'Asia/Shanghai')).toBe(false); // 21:59
    expect(isQuietTime(at('2026-12-02T22:59:00Z'), night, 'Asia/Shanghai')).toBe(true); // 06:59
    expect(isQuietTime(at('2026-12-02T23:00:00Z'), night, 'Asia/Shanghai')).toBe(false); // 07:00
    expect(isQuietTime(at('2026-12-02T14:00:00Z'), null, 'Asia/Shanghai')).toBe(false);
  });
  it('hold only non-critical steps addressed to one person', () => {
    const late = at('2026-12-02T16:00:00Z');
    expect(isHeldForQuietHours({ urgency: 'normal' }, true, late, night, 'Asia/Shanghai')).toBe(true);
    expect(isHeldForQuietHours({ urgency: 'critical' }, true, late, night, 'Asia/Shanghai')).toBe(false);
    expect(isHeldForQuietHours({ urgency: 'normal' }, false, late, night, 'Asia/Shanghai')).toBe(false);
  });
});
