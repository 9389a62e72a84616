/**
 * A small fuzzy scorer for `@` mentions: the query's characters must appear in the path in order
 * (case-insensitive); a match scores higher when its characters are consecutive, start words
 * (after `/ . _ -` or a lower-to-upper case change), fall in the file name rather than the folders,
 * and when the path is short. No dependency: a few hundred lines of fzf are not needed for a list
 * of at most a few thousand paths.
 */

const SEPARATORS = new Set(['/', '\\', '.', '_', '-', ' ']);

/** A score (higher is better), or undefined when the query is not a subsequence of the target. */
export function fuzzyScore(query: string, target: string): number | undefined {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return 0;
  const t = target.toLowerCase();
  const nameStart = Math.max(target.lastIndexOf('/', target.length - 2), target.lastIndexOf('\\', target.length - 2)) + 1;
  // Prefer the match that lies furthest right (in the file name): search greedily from the end
  // for where the last character can go, then score a left-to-right greedy match from there.
  const first = firstMatchStart(q, t, nameStart);
  if (first === undefined) return undefined;
  let score = 0;
  let ti = first;
  let prev = -2;
  for (const ch of q) {
    const at = t.indexOf(ch, ti);
    if (at < 0) return undefined;
    score += 1;
    if (at === prev + 1) score += 5; // consecutive
    const before = at === 0 ? '/' : target[at - 1];
    if (SEPARATORS.has(before) || (isLower(before) && isUpper(target[at]))) score += 4; // starts a word
    if (at >= nameStart) score += 2; // in the file name
    prev = at;
    ti = at + 1;
  }
  if (t.startsWith(q, nameStart)) score += 10; // the name starts with the query
  if (t.slice(nameStart).replace(/\/$/, '') === q) score += 10; // the exact name
  return score - target.length * 0.05;
}

/** Where to start matching: inside the file name when the whole query fits there, else from the start. */
function firstMatchStart(q: string, t: string, nameStart: number): number | undefined {
  if (isSubsequence(q, t, nameStart)) return nameStart;
  return isSubsequence(q, t, 0) ? 0 : undefined;
}

function isSubsequence(q: string, t: string, from: number): boolean {
  let ti = from;
  for (const ch of q) {
    const at = t.indexOf(ch, ti);
    if (at < 0) return false;
    ti = at + 1;
  }
  return true;
}

const isLower = (c: string | undefined) => !!c && c >= 'a' && c <= 'z';
const isUpper = (c: string | undefined) => !!c && c >= 'A' && c <= 'Z';

/** The items whose key matches, best first (ties keep list order), at most `limit`. */
export function rankFuzzy<T>(items: readonly T[], query: string, key: (item: T) => string, limit: number): T[] {
  const scored: Array<{ item: T; score: number; index: number }> = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, key(item));
    if (score !== undefined) scored.push({ item, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.slice(0, limit).map((s) => s.item);
}
