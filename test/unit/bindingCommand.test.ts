// The 绑定 command an admin types in a chat: codes or names, the forms that need no target, and the
// refusals that say what to type instead.
import { isBindingCommand, parseBindingCommand } from '../../handlers/organisation/bindingCommand';
import { loadTaxonomy } from '../../seeds/taxonomy';

const taxonomy = loadTaxonomy();
const units = [{ code: 'c.guixiangyuan', name: '桂香园社区' }, { code: 'g.guixiangyuan.01', name: '桂香园第一网格' }];
const parse = (text: string) => parseBindingCommand(text, taxonomy, units);

describe('the 绑定 command', () => {
  it('binds a community or grid by code or by name', () => {
    expect(parse('绑定 社区 c.guixiangyuan')).toEqual({ binding: { kind: 'resident', orgUnit: 'c.guixiangyuan' } });
    expect(parse('绑定社区 桂香园社区')).toEqual({ binding: { kind: 'resident', orgUnit: 'c.guixiangyuan' } });
    expect(parse(' 绑定 网格 g.guixiangyuan.01 ')).toEqual({ binding: { kind: 'resident', orgUnit: 'g.guixiangyuan.01' } });
  });

  it('binds a post by code or by its name, and the command centre or volunteer group without a target', () => {
    expect(parse('绑定 岗位 FIRE')).toEqual({ binding: { kind: 'worker', post: 'FIRE' } });
    expect(parse('绑定 岗位 城市更新岗')).toEqual({ binding: { kind: 'worker', post: 'URBAN_RENEWAL' } });
    expect(parse('绑定 指挥中心')).toEqual({ binding: { kind: 'command' } });
    expect(parse('绑定 志愿者')).toEqual({ binding: { kind: 'volunteer' } });
  });

  it('says what exists when the target is unknown or missing', () => {
    expect(parse('绑定 岗位 宇航员')).toEqual({ refusal: expect.stringContaining('城市更新岗（URBAN_RENEWAL）') });
    expect(parse('绑定 社区 c.nowhere')).toEqual({ refusal: expect.stringContaining('c.nowhere') });
    expect(parse('绑定 社区')).toEqual({ refusal: expect.stringContaining('绑定 社区 c.guixiangyuan') });
    expect(parse('绑定 社区 c.guixiangyuan 多余')).toEqual({ refusal: expect.stringContaining('格式') });
  });

  it('leaves ordinary messages alone, even ones that mention binding', () => {
    expect(parse('3栋外墙瓷砖掉下来了')).toBeNull();
    expect(isBindingCommand('电动车绑定在楼道里充电')).toBe(false);
    expect(isBindingCommand('绑定 岗位 FIRE')).toBe(true);
  });
});
