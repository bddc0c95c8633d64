// A location sent with a report (随手拍): what intake keeps of it, where it places the report when the words name
// no place, and how a card with photos reads as text (the outbox record, a WeCom card).
import pino from 'pino';
import { cardAsText } from '../../handlers/delivery/cardView';
import type { CardView } from '../../handlers/events';
import { locateReport } from '../../handlers/incidents/locateReport';
import { keptLocation, locationAsText, locationFault } from '../../handlers/intake/messageLocation';
import { defaultGazetteer } from '../../handlers/place/gazetteer';
import { buttonCard, cardMarkdown } from '../../bot/wecom/templateCard';

const gazetteer = defaultGazetteer();
const riders = { orgUnitCode: 'street.zaoziwan' };
const guixiangyuan = { orgUnitCode: 'c.guixiangyuan' };

describe('locateReport with a sent location', () => {
  it('reads the place from the location\'s name when the words name none', () => {
    const place = locateReport('【随手拍】井盖没了，差点踩进去', riders, gazetteer, { name: '桂香苑8栋' });
    expect(place).toMatchObject({ usable: true, fromLocation: '桂香苑8栋', located: { key: 'c.guixiangyuan/桂香苑/8栋', orgUnitCode: 'g.guixiangyuan.1' } });
  });

  it('keeps the words\' place when a worker could go by it, whatever the location says', () => {
    const place = locateReport('桂香苑南门的井盖没了', riders, gazetteer, { name: '桂香苑8栋' });
    expect(place).toMatchObject({ usable: true, fromLocation: null, located: { key: 'c.guixiangyuan/桂香苑/南门' } });
  });

  it('uses the location when it says more than the words: "8栋" alone in the street-wide riders\' group', () => {
    const place = locateReport('8栋楼道灯坏了', riders, gazetteer, { name: '嘉禾里3栋' });
    expect(place).toMatchObject({ usable: true, fromLocation: '嘉禾里3栋', located: { key: 'c.jiaheli/嘉禾里/3栋' } });
  });

  it('does not locate by coordinates alone, and keeps the words\' reading when the name places nothing', () => {
    expect(locateReport('井盖没了', riders, gazetteer, { latitude: 29.56, longitude: 106.55 })).toMatchObject({ usable: false, located: null, fromLocation: null });
    expect(locateReport('井盖没了', riders, gazetteer, { name: '这里' })).toMatchObject({ usable: false, located: null, fromLocation: null });
    expect(locateReport('8栋电梯关人了', guixiangyuan, gazetteer, null)).toMatchObject({ usable: true, fromLocation: null, located: { key: 'c.guixiangyuan/桂香苑/8栋' } });
  });
});

describe('the location intake keeps', () => {
  const log = pino({ level: 'silent' });

  it('takes a name, a point, or both, and says what is wrong with anything else', () => {
    expect(locationFault({ name: '桂香苑8栋' })).toBeNull();
    expect(locationFault({ latitude: -90, longitude: 180 })).toBeNull();
    expect(locationFault({ latitude: 90.0001, longitude: 0 })).toMatch(/latitude 90.0001 is not within -90..90/);
    expect(locationFault({ latitude: 0, longitude: Number.NaN })).toMatch(/longitude NaN/);
    expect(locationFault({ longitude: 106 })).toMatch(/both latitude and longitude/);
    expect(locationFault({ name: ' ' })).toMatch(/a name or both coordinates/);
    expect(locationFault({ name: 'x'.repeat(101) })).toMatch(/at most 100/);
  });

  it('drops a location an adapter should not have sent, and trims a good one', () => {
    expect(keptLocation('m1', { latitude: 200, longitude: 0 }, log)).toBeUndefined();
    expect(keptLocation('m2', { name: ' 桂香苑8栋 ', latitude: 29.5, longitude: 106.5 }, log)).toEqual({ name: '桂香苑8栋', latitude: 29.5, longitude: 106.5 });
    expect(keptLocation('m3', undefined, log)).toBeUndefined();
  });

  it('gives a location-only message words: its name, else its point', () => {
    expect(locationAsText({ name: '贵州路101号', latitude: 31.2, longitude: 121.4 })).toBe('贵州路101号');
    expect(locationAsText({ latitude: 31.2, longitude: 121.4 })).toBe('[位置] 31.2, 121.4');
    expect(locationAsText(undefined)).toBe('');
  });
});

describe('a card with photos as text', () => {
  const card = (photos: CardView['photos']): CardView => ({
    kind: 'dispatch', id: 'card-1', incidentId: 'i-1', incidentNumber: 'A-20261124-0007', title: '市政设施 · A-20261124-0007', role: 'lead', roleLabel: '主办',
    post: 'URBAN_RENEWAL', postName: '城市更新岗', watching: false, urgency: 'high', colour: 'orange',
    fields: [{ label: '编号', value: 'A-20261124-0007' }, { label: '地点', value: '桂香苑一网格 · 桂香苑8栋' }, { label: '居民原话', value: '【随手拍】井盖没了，差点踩进去' }],
    state: 'pending', statusLine: '待接单', buttons: [{ key: 'accept', text: '接单', needsNote: false }], photos,
  });
  const two = [{ id: 'p1', url: '/api/attachments/p1' }, { id: 'p2', url: '/api/attachments/p2' }];

  it('says how many photos there are, and nothing when there are none', () => {
    expect(cardAsText(card(two))).toContain('\n照片：2 张');
    expect(cardAsText(card([]))).not.toContain('照片');
  });

  it('counts them on WeCom\'s card, before the resident\'s words', () => {
    expect(buttonCard(card(two), 'card-1').sub_title_text).toBe('[照片 2 张] 【随手拍】井盖没了，差点踩进去');
    expect(buttonCard(card([]), 'card-1').sub_title_text).toBe('【随手拍】井盖没了，差点踩进去');
    expect(cardMarkdown(card(two))).toContain('> 照片：2 张\n待接单');
  });
});
