// Masks personal numbers in a resident's text before it leaves the machine (the LLM) or reaches a log:
// mainland mobiles, landlines with an area code, 18-digit ID cards and bank cards. Enough is kept for a person
// to recognise the number (138****5678, 尾号), and house numbers (3栋2单元501), dates and amounts are left alone.

interface PersonalNumber {
  kind: 'id_card' | 'bank_card' | 'mobile' | 'landline';
  pattern: RegExp;
  mask: (match: string, ...groups: string[]) => string;
}

// Digits only at the edges: a personal number is never a slice of a longer digit run (an order number, a timestamp).
const PATTERNS: PersonalNumber[] = [
  {
    // Region (6), birth date (8), sequence (3), check digit (0-9 or X). Checked before bank cards, which are also 18 long.
    kind: 'id_card',
    pattern: /(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])/g,
    mask: (match) => keepEnds(match, 3, 4),
  },
  {
    // 16–19 digits, run together or grouped in fours by spaces or dashes (the last group may be shorter).
    kind: 'bank_card',
    pattern: /(?<!\d)(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)(?!\d)/g,
    mask: (match) => keepEnds(match, 4, 4),
  },
  {
    // 1[3-9]x, 11 digits, optionally +86 and 3-4-4 groups: 13812345678, 138 1234 5678, +86-138-1234-5678.
    kind: 'mobile',
    pattern: /(?<!\d)((?:\+|00)?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?!\d)/g,
    mask: (_match, prefix = '', number = '') => `${prefix}${keepEnds(number, 3, 4)}`,
  },
  {
    // Area code (010 and 02x have three digits, the rest four; bare or bracketed), a 7-8 digit local number from 2-9
    // (maybe split 4-4), an optional extension: 023-68881234, (0571)8888123, 010 8888 1234.
    kind: 'landline',
    pattern: /(?<!\d)(\((?:0(?:10|2\d)|0[3-9]\d{2})\)|（(?:0(?:10|2\d)|0[3-9]\d{2})）|0(?:10|2\d)|0[3-9]\d{2})([ -]?)([2-9]\d{2,3}[ -]?\d{4})((?:-|转)\d{1,6})?(?!\d)/g,
    mask: (_match, area = '', separator = '', local = '', extension = '') => `${area}${separator}${keepEnds(local, 0, 4)}${extension}`,
  },
];

const FULL_WIDTH_DIGITS = /[０-９]/g;

/**
 * The text with every personal number masked. Full-width digits (１３８…, common from phone keyboards) are read as
 * digits and come back half-width, so they cannot slip past.
 */
export function maskPersonal(text: string): string {
  let masked = text.replace(FULL_WIDTH_DIGITS, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0));
  for (const { pattern, mask } of PATTERNS) masked = masked.replace(pattern, mask as (match: string, ...rest: string[]) => string);
  return masked;
}

/** Stars every digit (and ID-card X) but the first `start` and the last `end`, keeping spaces and dashes in place. */
function keepEnds(value: string, start: number, end: number): string {
  const total = [...value].filter(isMaskable).length;
  let seen = 0;
  return [...value]
    .map((char) => {
      if (!isMaskable(char)) return char;
      seen += 1;
      return seen <= start || seen > total - end ? char : '*';
    })
    .join('');
}

function isMaskable(char: string): boolean {
  return (char >= '0' && char <= '9') || char === 'X' || char === 'x';
}
