// A 上门 task card on WeCom (platforms.md §3.3 button_interaction): 接单 while offered, one 完成 button per
// outcome once taken, a greyed-out outcome when done; over the bot's long connection it is pushed into the
// riders' group and a click's frame is answered with the updated card; without the connection the group
// robot gets it as markdown (the riders' group holds no post to send it to 1:1), and the app sends nothing.
import type { WecomApi } from '../../bot/wecom/apiClient';
import { readCardHandle, cardHandle } from '../../bot/wecom/replyHandles';
import { FINISHED_KEY, VISIT_KEYS, visitActionOfKey, visitTaskButtonCard } from '../../bot/wecom/templateCard';
import { WecomDelivery, type WecomChannels } from '../../bot/wecom/wecomDelivery';
import type { BotPush } from '../../bot/wecom/wsConnection';
import { buildVisitTaskView } from '../../handlers/delivery/visitTaskView';
import type { ChatTarget } from '../../handlers/events';
import type { VisitTask } from '../../storage/entities';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);
const task = (over: Partial<VisitTask> = {}): VisitTask => ({
  id: '5b0c6e1a-2f43-4a4e-9a51-0d2b7c9e1f30', number: 'H-20261203-0001', address: '嘉禾里6栋2单元302', reason: '独居老人近期频繁接到冒充公检法电话，对方要求转账到"安全账户"',
  dueAt: at('2026-12-03T10:00:00Z'), status: 'offered', createdBy: '潘伟（社区警务岗）', createdFromMessageId: null, takenById: null, takenAt: null,
  outcome: null, note: null, doneAt: null, cardGroupId: 'g-riders', platformRef: null, remindedAt: null, escalatedAt: null,
  createdAt: at('2026-12-03T02:00:00Z'), updatedAt: at('2026-12-03T02:00:00Z'), ...over,
});
const RIDERS: ChatTarget = { platform: 'wecom', chatId: 'wrRidersZaoziwan', name: '枣子湾骑手志愿者群' };

describe('the 上门 task card on WeCom', () => {
  it('offers 接单, with the reason in the long text and the address in the title', () => {
    const card = visitTaskButtonCard(buildVisitTaskView(task(), { takerName: null }, ZONE), 'task-1');
    expect(card).toMatchObject({
      card_type: 'button_interaction',
      main_title: { title: '上门劝阻 · 嘉禾里6栋2单元302', desc: 'H-20261203-0001 待接单' },
      sub_title_text: task().reason,
      task_id: 'task-1',
      button_list: [{ text: '接单', style: 1, key: VISIT_KEYS.take }],
    });
    expect((card.horizontal_content_list as { keyname: string; value: string }[]).map((f) => f.keyname)).toEqual(['地址', '截止', '发布']);
    expect(JSON.stringify(card)).not.toContain('button_selection');
  });

  it('once taken, offers one 完成 button per outcome; done, greys out the outcome', () => {
    const taken = task({ status: 'taken', takenById: 'p-rider-1', takenAt: at('2026-12-03T02:10:00Z'), updatedAt: at('2026-12-03T02:10:00Z') });
    const takenCard = visitTaskButtonCard(buildVisitTaskView(taken, { takerName: '骑手 何军' }, ZONE), 'task-1');
    expect(takenCard.button_list).toEqual([
      { text: '劝阻成功', style: 1, key: 'visit_done_dissuaded' },
      { text: '未见到人', style: 2, key: 'visit_done_not_home' },
      { text: '需民警上门', style: 4, key: 'visit_done_needs_police' },
    ]);
    expect((takenCard.main_title as { desc: string }).desc).toBe('H-20261203-0001 骑手 何军 已接单 12-03 10:10');
    const done = { ...taken, status: 'done' as const, outcome: 'needs_police' as const, doneAt: at('2026-12-03T03:00:00Z'), updatedAt: at('2026-12-03T03:00:00Z') };
    expect(visitTaskButtonCard(buildVisitTaskView(done, { takerName: '骑手 何军' }, ZONE), 'task-1').button_list).toEqual([{ text: '需民警上门', style: 2, key: FINISHED_KEY }]);
  });

  it('reads the action back from a clicked button\'s key, and no other key', () => {
    expect(visitActionOfKey('visit_take')).toEqual({ action: 'take' });
    expect(visitActionOfKey('visit_done_not_home')).toEqual({ action: 'done', outcome: 'not_home' });
    expect(visitActionOfKey('accept')).toBeNull();
    expect(visitActionOfKey(FINISHED_KEY)).toBeNull();
  });
});

describe('delivering a 上门 task card through WeCom', () => {
  const view = buildVisitTaskView(task(), { takerName: null }, ZONE);
  const channels = (over: Partial<WecomChannels>) => {
    const robotSend = jest.fn(async () => ({ errcode: 0 }));
    const sendAppMessage = jest.fn(async () => ({ response_code: 'rc-1' }));
    const api = { robotSend, respondVia: jest.fn() } as unknown as WecomApi;
    const app = { sendAppMessage, updateTemplateCard: jest.fn() } as unknown as WecomApi;
    return {
      robotSend, sendAppMessage,
      channels: { app, api, bot: null, robotKeys: new Map([[RIDERS.chatId, 'robot-riders']]), postMembers: async () => ['zhangwei'], clock: () => at('2026-12-03T02:00:05Z'), ...over } satisfies WecomChannels,
    };
  };

  it('pushes the button card into the riders\' group over the long connection and answers a click\'s frame with the update', async () => {
    const pushed: { chatId: string; body: Record<string, any> }[] = [];
    const updates: { reqId: string; card: Record<string, any> }[] = [];
    const bot: BotPush = { send: async (chatId, body) => void pushed.push({ chatId, body }), updateCard: async (reqId, card) => void updates.push({ reqId, card }) };
    const { channels: ws, sendAppMessage } = channels({ bot });
    const delivery = new WecomDelivery(ws);

    const handle = await delivery.sendCard(RIDERS, view);
    expect(pushed).toEqual([{ chatId: RIDERS.chatId, body: { msgtype: 'template_card', template_card: expect.objectContaining({ task_id: view.id, button_list: [expect.objectContaining({ key: 'visit_take' })] }) } }]);
    expect(readCardHandle(handle)).toMatchObject({ taskId: view.id });

    const taken = buildVisitTaskView(task({ status: 'taken', takenById: 'p1', takenAt: at('2026-12-03T02:00:04Z'), updatedAt: at('2026-12-03T02:00:04Z') }), { takerName: '骑手 何军' }, ZONE);
    const click = cardHandle({ taskId: view.id, responseCode: null, frame: { reqId: 'req-7', at: at('2026-12-03T02:00:04Z').getTime() } });
    await delivery.updateCard(RIDERS, taken, click);
    expect(updates).toHaveLength(1);
    expect(updates[0].reqId).toBe('req-7');
    expect(updates[0].card.button_list.map((b: { key: string }) => b.key)).toEqual(['visit_done_dissuaded', 'visit_done_not_home', 'visit_done_needs_police']);
    expect(sendAppMessage).not.toHaveBeenCalled();
  });

  it('without the long connection, sends the card to the riders\' group robot as markdown and keeps no handle', async () => {
    const { channels: callback, robotSend, sendAppMessage } = channels({});
    const handle = await new WecomDelivery(callback).sendCard(RIDERS, view);
    expect(handle).toBeNull();
    expect(sendAppMessage).not.toHaveBeenCalled();
    expect(robotSend).toHaveBeenCalledWith('robot-riders', { msgtype: 'markdown', markdown: { content: expect.stringMatching(/^【上门任务】上门劝阻 · H-20261203-0001\n地址：嘉禾里6栋2单元302/) } });
  });
});
