import { addressLine, classifierName, quotedBotHeader } from '../../handlers/delivery/notices';
import { reportFingerprint } from '../../handlers/intake/repeatReport';
import { wellFormed } from '../../handlers/wellFormedText';

describe('a repeated report', () => {
  it('is the same report whatever its spaces, width, case, punctuation or emoji', () => {
    const a = reportFingerprint('3栋楼道飞线充电，快来看看！');
    expect(reportFingerprint(' 3栋 楼道飞线充电!!  快来看看 🙏')).toBe(a);
    expect(reportFingerprint('３栋楼道飞线充电，快来看看。')).toBe(a);
    expect(reportFingerprint('4栋楼道飞线充电，快来看看！')).not.toBe(a);
  });
});

describe('a quote of the bot', () => {
  it.each([
    ['【受理回执】编号 A-20261202-0001', '受理回执'],
    ['【办结通知】A-20261202-0001 已办结', '办结通知'],
    ['  “【已办结】A-20261202-0002 已由城市更新岗办结', '已办结'],
    ['【主办派单】消防隐患 · 3栋', '主办派单'],
    ['【 催办 】A-20261202-0003', '催办'],
  ])('is recognised: %s', (text, header) => {
    expect(quotedBotHeader(text)).toBe(header);
  });

  it.each(['【紧急】3栋着火了', '【求助】电梯困人了', '楼下【受理回执】说24小时办结，现在还没人来', '【随手拍】桃源街23号井盖丢了'])(
    'is not what a resident writes in brackets: %s',
    (text) => {
      expect(quotedBotHeader(text)).toBeNull();
    },
  );
});

it('replaces lone surrogates and keeps pairs', () => {
  expect(wellFormed('a\ud800b\udc00c😀')).toBe('a\uFFFDb\uFFFDc😀');
});

describe('the few words a notice quotes', () => {
  it('leave out the @-mentions the message opened with, and cut a long report short', () => {
    expect(addressLine({ name: '王秀英', text: '@网格助手 @网格员 8号楼那台电梯卡在5楼了，里面好像有人在拍门' })).toBe('@王秀英 您反映的「8号楼那台电梯卡在5楼了，里…」');
    expect(addressLine({ name: '李建国', text: '@网格助手' })).toBe('@李建国 您反映的「@网格助手」');
  });
});

describe('who decided, in the timeline', () => {
  it('is said in Chinese whatever the classifier\'s source code', () => {
    expect(classifierName('rules')).toBe('规则');
    expect(classifierName('model')).toBe('模型');
    expect(classifierName('rules:critical-veto')).toBe('规则（紧急规则）');
    expect(classifierName('llm:deepseek-chat')).toBe('大模型（deepseek-chat）');
    expect(classifierName('model-fallback:timeout')).toBe('模型（大模型未答：超时）');
    expect(classifierName('rules-fallback:breaker_open:critical-veto')).toBe('规则（大模型未答：暂停调用）（紧急规则）');
  });
});
