/**
 * The single edit that turns one version of a file into the next (the language server sends whole
 * texts): the common prefix and suffix are kept, the rest is replaced. Positions are JavaScript
 * string indices, rows and columns counted in them, as the tree's.
 */
import type { Edit as EditType } from 'web-tree-sitter';
import { Edit } from './parser';

/** Runs compared as slices first: string equality is a native comparison, far faster per character than a loop. */
const CHUNK = 4096;

function commonPrefix(a: string, b: string): number {
  const min = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= min && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < min && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The common suffix, at most `limit` long (what the prefix left of the shorter text). */
function commonSuffix(a: string, b: string, limit: number): number {
  let n = 0;
  while (n + CHUNK <= limit && a.slice(a.length - n - CHUNK, a.length - n) === b.slice(b.length - n - CHUNK, b.length - n)) n += CHUNK;
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/** Line breaks in `text[from, to)`. */
function breaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function column(text: string, index: number): number {
  return index === 0 ? 0 : index - (text.lastIndexOf('\n', index - 1) + 1);
}

/** The edit from `before` to `after`; null when they are the same. */
export function textEdit(before: string, after: string): EditType | null {
  if (before === after) return null;
  const start = commonPrefix(before, after);
  const suffix = commonSuffix(before, after, Math.min(before.length, after.length) - start);
  const oldEnd = before.length - suffix;
  const newEnd = after.length - suffix;
  const row = breaks(before, 0, start);
  return new Edit({
    startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
    startPosition: { row, column: column(before, start) },
    oldEndPosition: { row: row + breaks(before, start, oldEnd), column: column(before, oldEnd) },
    newEndPosition: { row: row + breaks(after, start, newEnd), column: column(after, newEnd) },
  });
}
