// The binding an admin types into the chat itself: 绑定 社区 <编码或名称>, 绑定 网格 …, 绑定 岗位 …,
// 绑定 指挥中心, 绑定 志愿者. Pure parsing; who may bind is the platform's to say (WECOM_ADMINS).
import type { Taxonomy } from '../../seeds/taxonomy';
import type { ChatBinding } from './bindChat';

const COMMAND = /^\s*绑定\s*(社区|网格|岗位|指挥中心|志愿者)\s*(\S*)\s*$/;

export function isBindingCommand(text: string): boolean {
  return /^\s*绑定\s*(社区|网格|岗位|指挥中心|志愿者)/.test(text);
}

/**
 * The binding asked for, or a refusal in words for the admin. Org units are named by code (c.guixiangyuan)
 * or name, resolved against `orgUnits`; posts by code or taxonomy name.
 */
export function parseBindingCommand(
  text: string,
  taxonomy: Taxonomy,
  orgUnits: readonly { code: string; name: string }[],
): { binding: ChatBinding } | { refusal: string } | null {
  const match = COMMAND.exec(text);
  if (!match) return isBindingCommand(text) ? { refusal: '格式：绑定 社区 <编码>、绑定 岗位 <编码> 或 绑定 指挥中心' } : null;
  const [, what, target] = match;
  if (what === '指挥中心') return { binding: { kind: 'command' } };
  if (what === '志愿者') return { binding: { kind: 'volunteer' } };
  if (!target) return { refusal: `请写明要绑定的${what}，例如：绑定 ${what} ${what === '岗位' ? taxonomy.data.posts[0].code : orgUnits[0]?.code ?? '<编码>'}` };
  if (what === '岗位') {
    const post = taxonomy.data.posts.find((p) => p.code === target || p.name === target);
    return post ? { binding: { kind: 'worker', post: post.code } } : { refusal: `没有岗位“${target}”。可选：${taxonomy.data.posts.map((p) => `${p.name}（${p.code}）`).join('、')}` };
  }
  const unit = orgUnits.find((u) => u.code === target || u.name === target);
  return unit ? { binding: { kind: 'resident', orgUnit: unit.code } } : { refusal: `没有${what}“${target}”，请用管理后台给出的编码` };
}
