import { maskPersonal } from '../../handlers/classify/maskPersonal';

describe('maskPersonal', () => {
  it.each([
    ['电话13812345678找我', '电话138****5678找我'],
    ['打138 1234 5678', '打138 **** 5678'],
    ['打138-1234-5678', '打138-****-5678'],
    ['+86 13912345678', '+86 139****5678'],
    ['+8613912345678', '+86139****5678'],
    ['手机１３８１２３４５６７８', '手机138****5678'],
    ['两个号13812345678、15987654321都行', '两个号138****5678、159****4321都行'],
  ])('masks mobile numbers: %s', (text, masked) => {
    expect(maskPersonal(text)).toBe(masked);
  });

  it.each([
    ['座机023-68881234', '座机023-****1234'],
    ['座机 02368881234', '座机 023****1234'],
    ['010 8888 1234', '010 **** 1234'],
    ['0755-2888123', '0755-***8123'],
    ['(023)68881234', '(023)****1234'],
    ['（0571）8888123', '（0571）***8123'],
    ['023 6888 1234', '023 **** 1234'],
    ['023-68881234-801', '023-****1234-801'],
  ])('masks landlines with an area code: %s', (text, masked) => {
    expect(maskPersonal(text)).toBe(masked);
  });

  it.each([
    ['身份证500103199001011234', '身份证500***********1234'],
    ['身份证号50010319900101123X。', '身份证号500***********123X。'],
    ['id 11010520001231002x', 'id 110***********002x'],
  ])('masks 18-digit ID-card numbers, X included: %s', (text, masked) => {
    expect(maskPersonal(text)).toBe(masked);
  });

  it.each([
    ['卡号6222021234567890', '卡号6222********7890'],
    ['卡号6222021234567890123', '卡号6222***********0123'],
    ['卡号 6222 0212 3456 7890 转了5000', '卡号 6222 **** **** 7890 转了5000'],
    ['6217-0012-3456-7890', '6217-****-****-7890'],
  ])('masks bank-card numbers, grouped or not: %s', (text, masked) => {
    expect(maskPersonal(text)).toBe(masked);
  });

  it('keeps the last four of a grouped 19-digit card', () => {
    expect(maskPersonal('6217 0012 3456 7890 123')).toBe('6217 **** **** ***0 123');
  });

  it.each([
    '3栋2单元501漏水了',
    '枣子湾路28号院1-2-501',
    '2024年11月24日晚上8点',
    '2024-11-24 20:30',
    '20241124',
    '转了5000元 还差12000',
    '工单A-20261124-0007',
    '报了110 又打了12345',
    '快递单号SF1403456789012',
    '时间戳1732406400000',
    '0.5元一斤',
    '1栋到12栋 3号楼 13楼',
  ])('leaves house numbers, dates, amounts and case numbers alone: %s', (text) => {
    expect(maskPersonal(text)).toBe(text);
  });

  it('masks every kind in one message and nothing else', () => {
    const text = '我是3栋2单元501的 电话138 1234 5678 座机023-68881234 身份证500103199001011234 卡6222021234567890 昨天11月24号被骗了5000';
    const masked = maskPersonal(text);
    expect(masked).toBe('我是3栋2单元501的 电话138 **** 5678 座机023-****1234 身份证500***********1234 卡6222********7890 昨天11月24号被骗了5000');
    for (const secret of ['12345678', '6888', '19900101', '02123456']) expect(masked.replace(/\s/g, '')).not.toContain(secret);
  });
});
