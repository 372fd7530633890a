/**
 * Turns a user ID or username into a segment of a store key. Two different strings never give
 * the same segment, and no string makes it throw:
 * - well-formed text is `encodeURIComponent` of it (what keys held before, so stored state keeps
 *   its names), which leaves no `{`, `}`, `:` or space to break a Redis Cluster hash tag;
 * - a lone UTF-16 surrogate (which `encodeURIComponent` refuses with a URIError, and which UTF-8
 *   would turn into U+FFFD, merging different IDs) becomes `%u` and its four hex digits. `u` is
 *   not a hex digit, so this never reads like the `%XX` of the first rule.
 */
export function keySegment(value: string): string {
  if (value.isWellFormed()) return encodeURIComponent(value);
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += `%u${unit.toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(value[i]!);
    }
  }
  return out;
}
