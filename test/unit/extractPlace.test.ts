import { extractPlace, normaliseEstateName, type PlaceMention } from '../../handlers/place/extractPlace';

/** The mention's non-empty parts, so an expectation lists only what the message names. */
function partsOf(text: string): Partial<PlaceMention> | null {
  const mention = extractPlace(text);
  if (!mention) return null;
  return Object.fromEntries(Object.entries(mention).filter(([, value]) => value !== null)) as Partial<PlaceMention>;
}

describe('extractPlace', () => {
  describe('keeps the places the old patterns lost', () => {
    it('a road named without a 门牌 number', () => {
      expect(partsOf('幸福路上那个坑又大了一圈，电瓶车都绕着走')).toEqual({ text: '幸福路', road: '幸福路' });
    });

    it('a room number written after the building', () => {
      expect(partsOf('嘉禾里二期5幢402卫生间往楼下滴水')).toEqual({
        text: '嘉禾里二期5幢402',
        estate: '嘉禾里2期',
        building: '5栋',
        room: '402',
      });
    });

    it("an estate's gate", () => {
      expect(partsOf('桂香苑南门那个道闸抬不起来了，车子排到路上')).toEqual({ text: '桂香苑南门', estate: '桂香苑', gate: '南门' });
    });
  });

  it('keeps the whole phrase and reads its parts: building, unit and the spot inside', () => {
    expect(partsOf('9栋1单元电梯门一直开开关关')).toEqual({ text: '9栋1单元电梯', building: '9栋', unit: '1单元', spot: '电梯' });
  });

  it('reads an intersection as one place with both roads', () => {
    expect(partsOf('桂香路与枣子湾路交叉口的信号灯黑了')).toEqual({
      text: '桂香路与枣子湾路交叉口',
      road: '桂香路',
      crossRoad: '枣子湾路',
      spot: '交叉口',
    });
    expect(partsOf('嘉禾路新街口一直闪黄灯')).toMatchObject({ road: '嘉禾路', crossRoad: '新街', spot: '路口' });
  });

  it('keeps a 门牌 number with its road, and a door after the number', () => {
    expect(partsOf('外卖放在桂花街17号门口被人拿走了')).toEqual({ text: '桂花街17号门口', road: '桂花街', number: '17号', spot: '门口' });
  });

  it('cuts the verb before a road but not a road name that starts like one', () => {
    expect(partsOf('骑车经过桂香路的时候看到井盖翻起来了')).toMatchObject({ text: '桂香路', road: '桂香路' });
    expect(partsOf('送货路过滨江路12号看到招牌在晃')).toMatchObject({ text: '滨江路12号', road: '滨江路' });
    expect(partsOf('在从化路9号门前有一摊油')).toMatchObject({ road: '从化路', number: '9号' });
    expect(partsOf('过江路的井盖不见了')).toMatchObject({ road: '过江路' });
  });

  it('normalises Chinese numerals in the parts and keeps the text as written', () => {
    expect(partsOf('十二栋三单元的电梯卡住了')).toMatchObject({ text: '十二栋三单元的电梯', building: '12栋', unit: '3单元' });
    expect(partsOf('枣子湾路三十六号门口的树倒了')).toMatchObject({ text: '枣子湾路三十六号门口', number: '36号' });
    expect(partsOf('八号楼二单元四楼在冒烟')).toMatchObject({ building: '8栋', unit: '2单元', floor: '4楼' });
  });

  it('normalises full-width digits in the parts and keeps the text as written', () => {
    expect(partsOf('９栋２单元１０２室门口堆满了纸箱')).toEqual({
      text: '９栋２单元１０２室门口',
      building: '9栋',
      unit: '2单元',
      room: '102',
      spot: '门口',
    });
  });

  it('gives the same parts for one building however it is written', () => {
    const forms = ['3号楼2单元', '3栋二单元', '三栋2单元', '3幢2单元', '3座2单元'].map((text) => extractPlace(`${text}楼道灯不亮`));
    for (const mention of forms) expect(mention).toMatchObject({ building: '3栋', unit: '2单元' });
  });

  it('does not take a phone number, an amount or a time for a room', () => {
    expect(partsOf('我住7栋，电话13987654321，被骗走2600元')).toEqual({ text: '7栋', building: '7栋' });
    expect(partsOf('晚上11点以后1203还在敲墙')).toBeNull();
    expect(partsOf('一个月电费580块，楼下说是正常的')).toBeNull();
  });

  it('takes a number as a room only after a building or unit, or with 室', () => {
    expect(partsOf('11栋1203在漏水')).toMatchObject({ building: '11栋', room: '1203' });
    expect(partsOf('楼上1203在漏水')).toBeNull();
    expect(partsOf('305室的水管爆了')).toEqual({ text: '305室', room: '305' });
  });

  it('reads 4楼2号 as a floor, not a room', () => {
    expect(extractPlace('5栋4楼2号门口堆了垃圾')).toMatchObject({ text: '5栋4楼2号门口', building: '5栋', floor: '4楼', room: null });
  });

  it('reads basements and the label form 8-2-402', () => {
    expect(partsOf('地下一层车库的灯全灭了')).toEqual({ text: '地下一层车库', floor: '负一楼', spot: '车库' });
    expect(partsOf('负2楼停车场有积水')).toMatchObject({ floor: '负二楼', spot: '停车场' });
    expect(partsOf('送到6-1-301的时候发现门口在冒烟')).toMatchObject({ building: '6栋', unit: '1单元', room: '301' });
  });

  it('reads a gate on its own as a gate, with whose it is when said', () => {
    expect(partsOf('小区西门口有人摆摊卖菜')).toEqual({ text: '小区西门口', gate: '西门' });
    expect(partsOf('桂香苑小区北门口天天有车乱停')).toMatchObject({ estate: '桂香苑小区', gate: '北门' });
  });

  it('reads a named landmark, and a landmark on a road', () => {
    expect(partsOf('滨河公园东门那边有人钓鱼')).toMatchObject({ spot: '滨河公园', gate: '东门' });
    expect(partsOf('龙溪路公交站的顶棚漏雨')).toMatchObject({ road: '龙溪路', spot: '公交站' });
  });

  it('picks the phrase that says most when a message names several', () => {
    expect(partsOf('我是嘉禾里一期3栋的，楼下车棚有人偷电瓶')).toMatchObject({ text: '嘉禾里一期3栋', estate: '嘉禾里1期' });
  });

  it('does not read ordinary words as places', () => {
    expect(extractPlace('过马路的时候差点被撞')).toBeNull();
    expect(extractPlace('阳台上落了一层灰')).toBeNull();
    expect(extractPlace('希望社区管一下这个事')).toBeNull();
    expect(extractPlace('隔壁小区听说也停水了')).toBeNull();
    expect(extractPlace('整栋楼都闻到煤气味')).toBeNull();
    expect(extractPlace('有人在群里发链接说能退税')).toBeNull();
  });

  it('finds a spot alone, which names a place but not one a worker could find', () => {
    expect(partsOf('楼道灯又坏了')).toEqual({ text: '楼道', spot: '楼道' });
    expect(extractPlace('井盖又被偷了')).toBeNull();
    expect(extractPlace('东西放在门口就走了')).toBeNull();
  });
});

describe('normaliseEstateName', () => {
  it('writes the phase number in digits so 三期 and 3期 compare equal', () => {
    expect(normaliseEstateName('嘉禾里三期')).toBe('嘉禾里3期');
    expect(normaliseEstateName('嘉禾里３期')).toBe('嘉禾里3期');
    expect(normaliseEstateName('桂香苑')).toBe('桂香苑');
  });
});
