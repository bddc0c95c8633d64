// A 6+1 list's card: ticked items struck through, the status counts them; DingTalk gets it without buttons and
// the markdown fallback (WeCom's too) lists every item.
import { cardMarkdown, cardParams } from '../../bot/dingtalk/interactiveCard';
import { buildDailyTasksView, dailyTasksAsText, unfinishedDailyTasksNotice } from '../../handlers/delivery/dailyTasksView';
import type { DailyTaskItem, DailyTaskList } from '../../storage/entities';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);
const list: DailyTaskList = { id: 'l1', workerId: 'p1', day: '2026-12-03', grid: 'g.guixiangyuan.1', cardGroupId: 'g1', platformRef: null, createdAt: at('2026-12-03T00:00:00Z'), updatedAt: at('2026-12-03T00:00:00Z') };
const item = (position: number, title: string, doneAt: Date | null = null): DailyTaskItem => ({ id: `i${position}`, listId: 'l1', position, title, doneById: doneAt ? 'p1' : null, doneAt });
const view = buildDailyTasksView(list, [item(2, '巡查消防通道（1栋）'), item(1, '走访独居老人（3栋2单元 张奶奶）', at('2026-12-03T01:30:00Z'))], { name: '宋佳', platformUserId: 'w-grid-1' }, ZONE);

describe('the 6+1 list card', () => {
  it('orders the items, marks the ticked ones with their time and counts them', () => {
    expect(view.items.map((i) => [i.position, i.done])).toEqual([[1, true], [2, false]]);
    expect(view.statusLine).toBe('已完成 1/2');
    expect(view.workerUserId).toBe('w-grid-1');
  });

  it('is markdown with the ticked item struck through, for WeCom and DingTalk alike, with no buttons on DingTalk', () => {
    expect(dailyTasksAsText(view)).toContain('~~1. 走访独居老人（3栋2单元 张奶奶）~~');
    expect(dailyTasksAsText(view)).toContain('- 2. 巡查消防通道（1栋）');
    expect(cardParams(view).hasButtons).toBe('false');
    expect(cardMarkdown(view).text).toContain('~~1. 走访独居老人');
  });

  it('names each unfinished list\'s worker and what is left in the evening notice', () => {
    expect(unfinishedDailyTasksNotice('2026-12-03', [{ workerName: '唐勇', left: ['巡查消防通道（5栋）'] }])).toContain('唐勇：还剩 1 项（巡查消防通道（5栋））');
  });
});
