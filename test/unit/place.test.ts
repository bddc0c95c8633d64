import { describePlace, extractPlaceHint } from '../../handlers/incidents/place';

describe('place hints', () => {
  it('picks out buildings, units, floors, street addresses and gates', () => {
    // One place as written: 楼道, named later in the sentence, is not glued onto it.
    expect(extractPlaceHint('6栋2单元三楼那家把楼道堆满了')).toBe('6栋2单元三楼');
    expect(extractPlaceHint('送单路过枣子湾路28号老居民楼')).toBe('枣子湾路28号');
    expect(extractPlaceHint('小区北门口天天堵车')).toBe('小区北门口');
    // The whole phrase: the 车库 on 负一楼, not just the floor.
    expect(extractPlaceHint('负一楼车库漏水')).toBe('负一楼车库');
  });

  it('keeps a road without a number, a room after its building, and an estate with its gate', () => {
    expect(extractPlaceHint('幸福路那段的井盖翘起来了')).toBe('幸福路');
    expect(extractPlaceHint('嘉禾里三期9幢502的水管爆了')).toBe('嘉禾里三期9幢502');
    expect(extractPlaceHint('桂香苑东门旁边的垃圾桶满了')).toBe('桂香苑东门');
  });

  it('returns null when the resident names no place', () => {
    expect(extractPlaceHint('有人在群里发诈骗链接')).toBeNull();
  });

  it('joins the group binding with the hint, and says so when neither is known', () => {
    expect(describePlace('桂香苑第一网格', '3栋门口井盖没了')).toBe('桂香苑第一网格 · 3栋门口');
    expect(describePlace(null, '井盖没了')).toBe('未注明');
  });

  it('prefers the place the LLM read from the text to the extracted one', () => {
    expect(describePlace('嘉禾里社区', '6栋那边又停电了', '嘉禾里6栋2单元')).toBe('嘉禾里社区 · 嘉禾里6栋2单元');
  });
});
