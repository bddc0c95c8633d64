// Text from outside is made well-formed once, on the way in: a lone UTF-16 surrogate (possible in JSON as
// "\ud800", impossible in UTF-8) becomes U+FFFD here, so what is stored is exactly what is read back.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}
