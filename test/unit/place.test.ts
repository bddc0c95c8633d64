import { describePlace, extractPlaceHint } from '../../handlers/incidents/place';

describe('place hints', () => {
  it('picks out buildings, units, floors, street addresses and gates', () => {
    expect(extractPlaceHint('6栋2单元三楼那家把楼道堆满了')).toBe('6栋2单元三楼 楼道');
    expect(extractPlaceHint('送单路过枣子湾路28号老居民楼')).toBe('枣子湾路28号');
    expect(extractPlaceHint('小区北门口天天堵车')).toBe('小区北门口');
    expect(extractPlaceHint('负一楼车库漏水')).toBe('负一楼');
  });

  it('returns null when the resident names no place', () => {
    expect(extractPlaceHint('有人在群里发诈骗链接')).toBeNull();
  });

  it('joins the group binding with the hint, and says so when neither is known', () => {
    expect(describePlace('桂香苑第一网格', '3栋门口井盖没了')).toBe('桂香苑第一网格 · 3栋');
    expect(describePlace(null, '井盖没了')).toBe('未注明');
  });
});
