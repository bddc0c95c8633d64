// Pulls the place a resident names out of their words (6栋2单元, 枣子湾路28号, 北门, 负一楼), so a worker
// reading the card knows where to go before reading the whole message.
const PLACE_PATTERNS: RegExp[] = [
  /[\u4e00-\u9fa5]{2,4}(?:路|街|巷|大道)\d+号(?:院|楼)?/g,
  /(?:[\dA-Za-z一二三四五六七八九十]+(?:栋|幢|号楼))(?:[\d一二三四五六七八九十]+单元)?(?:[\d一二三四五六七八九十]+(?:楼|层))?/g,
  /(?:小区)?(?:东|南|西|北|正|后|侧)门(?:口)?/g,
  /负[一二三\d]楼|地下车库|地下室|天台|楼道|电梯间?/g,
];

export function extractPlaceHint(text: string): string | null {
  const found: string[] = [];
  for (const pattern of PLACE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      // A road name cannot be told from the verb before it ("路过枣子湾路28号"); drop the usual ones.
      const value = match[0].replace(/^(?:路过|经过|途经|[过在到往从去])/, '');
      if (!found.some((f) => f.includes(value) || value.includes(f))) found.push(value);
      if (found.length >= 3) break;
    }
  }
  return found.length ? found.join(' ') : null;
}

/** The card's place line: where the group is bound, plus what the resident named. */
/** `written`: the place as the LLM read it from the text (楼栋/单元/路名), preferred to the pattern's hint. */
export function describePlace(orgUnitName: string | null, text: string, written?: string | null): string {
  const hint = written?.trim() || extractPlaceHint(text);
  return [orgUnitName, hint].filter(Boolean).join(' · ') || '未注明';
}
