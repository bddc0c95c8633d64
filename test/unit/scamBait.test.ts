// The scam-bait detector: bait of every kind is caught and named however it is written (traditional
// characters, full-width digits, spaced-out words, emoji), while the messages that only look like it — group
// buys, lost pets, community job ads, warnings, victims' reports, residents asking — are never called bait,
// because a false alarm accuses a neighbour in front of their group. Messages here are written for the test.
import { readFileSync } from 'node:fs';
import { detectScamBait, loadScamTypes, SCAM_TYPES_FILE, scamFingerprint } from '../../handlers/fraud/scamBait';
import { loadTaxonomy } from '../../seeds/taxonomy';

const seedJson = (): Record<string, unknown> & { types: Record<string, unknown>[] } => JSON.parse(readFileSync(SCAM_TYPES_FILE, 'utf8'));

describe('scam bait is caught and named', () => {
  const bait: [string, string][] = [
    ['click_farming', '招募宝妈学生兼职，手机上给抖音视频点赞，一单8元，做完秒结，感兴趣的加vx: dz2299'],
    ['click_farming', '刷 单 返 利，做 任 务 日 赚 300，➕V：abc123'],
    ['click_farming', '在家兼職，動動手指點讚關注，一單5元，日結，加薇信 mm5566'],
    ['stock_tips', '【牛股推荐】王老师免费荐股，内幕消息每天推送两只涨停股，进群领取，QQ群：88776655'],
    ['stock_tips', '跟着导师炒股三个月赚了40万，稳赚不赔，想学的扫码进群[二维码]'],
    ['easy_loan', '急用钱找我！不看征信，黑户可贷，凭身份证最快10分钟到账，电话 138 1234 5678'],
    ['easy_loan', '额度５０万，无抵押，秒到账，详询１３９８７６５４３２１'],
    ['credit_repair', '专业洗白征信，删除逾期记录，停息挂账，不成功不收费，私信我'],
    ['fake_subsidy', '【人社局】2025年职业技能提升补贴开始发放，每人可领1800元，请扫码登记银行卡号领取，逾期视为自动放弃'],
    ['fake_subsidy', '政府发放一次性消费补助，点击 bz-gov.top 填写银行卡号和验证码，即可到账'],
    ['account_alert', '尊敬的用户：您的社保卡因未年审已被停用，请于24小时内登录 sbk-nianshen.com 重新激活，否则将永久注销'],
    ['account_alert', '您的ＥＴＣ卡已被禁用，请及时点击链接更新认证信息'],
    ['account_unfreeze', '有偿招人辅助解封微信，注册满半年的号就行，解一个给60元，私信我'],
    ['fake_refund', '【淘宝客服】亲，您购买的商品被检测出质量问题，我们将给您三倍赔偿，请添加理赔专员微信 tbkf0091 办理退款'],
    ['prize_lottery', '恭喜您成为本期幸运观众，获得苹果手机一台，只需支付18元运费即可领取，请加客服QQ 2233445566'],
    ['prize_lottery', '恭喜您獲得幸運用戶大獎，請點擊鏈接領取'],
    ['money_mule', '高价收购闲置银行卡、电话卡，一张卡1500元，当天结算，有意加V'],
    ['money_mule', '跑分项目招人，日赚500，需要支付宝和银行卡'],
    ['game_trading', '王者荣耀皮肤低价代充，全网最便宜，五折充点券，加QQ 1234567 秒到'],
    ['job_fee', '诚招在家打字员，手机就能做，日结200，入职需交198元资料费，名额有限'],
    ['free_gift_lecture', '免费体检听讲座，每天送鸡蛋，老年朋友到会场领取，现场特价保健品'],
    ['vote_phishing', '家人们帮忙助力一下，点开链接用微信授权登录，助力成功可以领现金红包 http://zl-hb.top/a?id=9'],
    ['gambling', '百家乐稳赢平台，注册充值送彩金，每天返水，加v了解'],
    ['fake_certificates', '各类证件代办，学历包过，驾照不用考，加微 bz8899'],
  ];

  it.each(bait)('%s: %s', (code, text) => {
    const verdict = detectScamBait({ text });
    expect(verdict.isBait).toBe(true);
    expect(verdict.type?.code).toBe(code);
    expect(verdict.type?.advice).toEqual(expect.any(String));
  });

  it('names the evidence it saw', () => {
    const verdict = detectScamBait({ text: '刷单返利，日结300，加V：abc123 http://job-fast.top/go' });
    expect(verdict.signals).toEqual(expect.arrayContaining(['刷单返利', '链接', '微信号', '收益承诺']));
  });
});

describe('messages that are not bait', () => {
  const notBait: [string, string][] = [
    ['a fruit group-buy with a phone number', '水果团购接龙：明早到货的丑橘10元3斤，需要的接龙，联系电话 13912345678'],
    ['a group-buy with a QR code and a deadline', '社区团购今日限时特价，鸡蛋一板15元，下单扫码进群，名额有限'],
    ['a lost dog with a phone number', '寻狗启事：白色比熊，昨晚在2栋走丢，有线索请打 158 8888 6666，必有重谢'],
    ['a found wallet', '捡到一个钱包，里面有身份证和银行卡，失主请联系我 13600001111'],
    ['a resident asking whether it is a scam', '群里那个说扫码领补贴的是不是诈骗哦？有没有人晓得'],
    ['a resident asking whether a notice is real', '国家发放育儿补贴扫码就能领，这个是真的吗'],
    ['a reposted police warning', '【反诈预警】近期有人冒充医保局发短信称医保卡异常需点击链接解冻，请勿点击，如有疑问拨打96110'],
    ['a police reminder naming the bait', '民警提醒：刷单就是诈骗，凡是让你先垫付、一单返几十块的都是骗子'],
    ['the bot\'s own warning', '【反诈提醒】上面这条消息疑似诈骗信息，请大家不要点链接、不要扫码、不要转账。兼职刷单、无抵押贷款都是常见骗局。'],
    ['a victim reporting', '我刚才按那个客服说的操作，说是快递丢了三倍理赔，转了两笔钱过去，现在联系不上了'],
    ['a victim of click farming', '我妈做刷单任务，前面返了点小钱，后头充了八千进去提不出来了'],
    ['a community job ad', '社区招聘保洁员2名，月薪2800元，缴纳五险，报名电话 028-86001234'],
    ['a community part-time post', '社区招聘公益岗兼职网格员，要求家住附近，报名电话 13800001111'],
    ['a community lecture against fraud', '社区下周三举办防诈骗讲座，到场居民送小礼品，欢迎参加'],
    ['a festival gift for the elderly', '重阳节社区慰问活动：80岁以上老人请凭身份证到社区领取米和油'],
    ['a vote for a child with a link', '帮我家娃儿投个票嘛，5号选手，谢谢大家 https://vote.example.cn/p/5'],
    ['a resident whose account is frozen', '我微信被冻结了，咋个解冻嘛'],
    ['congratulations on a prize', '恭喜王孃孃家孙女获得市里钢琴比赛一等奖🎉'],
    ['a subsidy question', '高龄补贴什么时候发放？要不要去社区登记银行卡'],
    ['a real subsidy notice', '各位居民：2025年高龄津贴申领开始了，符合条件的请携带身份证、银行卡到社区服务中心办理，咨询电话 028-61234567'],
    ['a registration QR from the grid worker', '请还没有登记的住户扫码填写人口信息，谢谢配合'],
    ['property fees by QR', '物业通知：本月物业费可以扫码缴纳，也可到物业办公室现金缴费'],
    ['a second-hand sale', '闲置电动车出售，八成新，800元，有意私聊 13500002222'],
    ['a question about loans', '有没有人知道哪里可以办无抵押的创业贷款？政府有这种政策不'],
    ['a neighbour\'s lottery win', '恭喜恭喜！中奖了请客哈哈，买彩票中了200'],
    ['a supermarket promotion', '超市周年庆，全场八折，还有抽奖活动，一等奖是电视机'],
    ['a resident asking where to fix their ETC', '我的ETC突然用不了了，显示失效，在哪里处理？'],
    ['a complaint about a sales lecture', '楼下药店在搞讲座，送鸡蛋，天天拉老人去买保健品'],
    ['a resident relaying a poster they saw', '我家门口贴了张小广告：无抵押无征信当天放款 13812345678，谁贴的哦'],
    ['a day-labour ad', '招聘小区保安，日结150，包吃住，电话13700001111'],
    ['a victim who paid by QR', '有人加我微信说是物业的，喊我扫码交停车费，我付了300，后来问物业根本没这回事'],
    ['plain chat', '今天社区包饺子好热闹，谢谢网格员'],
  ];

  it.each(notBait)('%s', (_why, text) => {
    const verdict = detectScamBait({ text });
    expect(verdict.isBait).toBe(false);
    expect(verdict.type).toBeNull();
  });

  it('does not read a squeezed web address as a WeChat id', () => {
    expect(detectScamBait({ text: '活动详情 http://go-vip.top/x1 看看' }).signals).not.toContain('微信号');
  });

  it('a link or a phone number alone is not bait', () => {
    expect(detectScamBait({ text: '停水通知见 https://water.example.cn/notice?id=3 ，咨询 13812345678' }).isBait).toBe(false);
  });
});

describe('the classifier is one signal among others', () => {
  const faint = '内部消息，这只股票下周要涨';

  it('works without the classifier, and its scam verdict lowers the bar', () => {
    expect(detectScamBait({ text: faint }).isBait).toBe(false);
    expect(detectScamBait({ text: faint, classifiedAs: 'chat' }).isBait).toBe(false);
    const classified = detectScamBait({ text: faint, classifiedAs: 'scam_content' });
    expect(classified.isBait).toBe(true);
    expect(classified.type?.code).toBe('stock_tips');
  });

  it('calls typeless bait only when the classifier says so and the signals are strong', () => {
    const text = '加v: lq8899 点这里 http://go-now.top/x 马上领取，名额有限';
    expect(detectScamBait({ text }).isBait).toBe(false);
    const classified = detectScamBait({ text, classifiedAs: 'scam_content' });
    expect(classified.isBait).toBe(true);
    expect(classified.type).toBeNull();
  });

  it('a fraud report by the classifier stops it, whatever the wording', () => {
    const text = '无抵押无征信，当天放款，电话13912340000';
    expect(detectScamBait({ text }).isBait).toBe(true);
    expect(detectScamBait({ text, classifiedAs: 'fraud_report' }).isBait).toBe(false);
  });

  it('warning wording stops it even when the classifier says scam', () => {
    expect(detectScamBait({ text: '警惕！“刷单返利日结300”都是骗局', classifiedAs: 'scam_content' }).isBait).toBe(false);
  });

  it('an attached image adds a little evidence', () => {
    const text = '内部消息，这只股票下周要涨停，稳赚';
    expect(detectScamBait({ text, hasImage: true }).score).toBeGreaterThan(detectScamBait({ text }).score);
  });

  it('names taxonomy categories in the seed', () => {
    const taxonomy = loadTaxonomy();
    const classifier = seedJson().classifier as { lowersTheBar: string[]; stopsIt: string[] };
    for (const code of [...classifier.lowersTheBar, ...classifier.stopsIt]) expect(taxonomy.isIncidentCategory(code)).toBe(true);
  });
});

describe('the seed file', () => {
  it('loads the shipped file', () => {
    expect(() => loadScamTypes(seedJson())).not.toThrow();
  });

  it('names the type whose pattern does not compile', () => {
    const json = seedJson();
    json.types[0].patterns = ['刷单(返利'];
    expect(() => loadScamTypes(json)).toThrow(/type "click_farming" pattern 1 \/刷单\(返利\/ does not compile/);
  });

  it('names the type missing a field', () => {
    const json = seedJson();
    const type = json.types.find((t) => t.code === 'easy_loan')!;
    delete type.advice;
    expect(() => loadScamTypes(json)).toThrow(/type "easy_loan" \(types\[\d+\]\)\.advice/);
  });

  it('names the signal with a bad pattern', () => {
    const json = seedJson();
    (json.signals as { code: string; patterns: string[] }[])[0].patterns.push('[链接');
    expect(() => loadScamTypes(json)).toThrow(/signal "link" pattern \d+ \/\[链接\/ does not compile/);
  });

  it('refuses a type listed twice', () => {
    const json = seedJson();
    json.types.push({ ...json.types[0] });
    expect(() => loadScamTypes(json)).toThrow(/type "click_farming" is listed twice/);
  });
});

describe('scam fingerprints', () => {
  it('are equal for the same bait with other spacing, emoji, width and tracking query', () => {
    const a = scamFingerprint('刷单返利 日结300 加V: abc123 👉 http://a-b.top/join?from=grp1&uid=9');
    const b = scamFingerprint('刷单返利，日结３００！！加v：ABC123😀https://a-b.top/join?from=grp2');
    const c = scamFingerprint('刷 單 返 利  日結300  加V abc123 a-b.top/join#top');
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('keep the link, so bait pointing elsewhere differs', () => {
    expect(scamFingerprint('领补贴 http://x-one.top/a?u=1')).not.toBe(scamFingerprint('领补贴 http://x-two.top/a?u=1'));
    expect(scamFingerprint('领补贴 http://x-one.top/a')).toContain('x-one.top/a');
  });

  it('differ for different bait', () => {
    expect(scamFingerprint('无抵押贷款，当天放款')).not.toBe(scamFingerprint('刷单返利，日结300'));
  });
});
