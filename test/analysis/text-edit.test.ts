/**
 * The edit between two versions of a text, against a character-by-character reference: random
 * edits (insertions, deletions, replacements, with and without line breaks, at the ends too) of texts
 * long enough that the chunked comparison matters.
 */
import * as assert from 'node:assert/strict';
import { textEdit } from '../../extension/analysis/syntax/text-edit';

function reference(before: string, after: string): object | null {
  if (before === after) return null;
  let start = 0;
  while (start < Math.min(before.length, after.length) && before[start] === after[start]) start++;
  let oldEnd = before.length; let newEnd = after.length;
  while (oldEnd > start && newEnd > start && before[oldEnd - 1] === after[newEnd - 1]) { oldEnd--; newEnd--; }
  const point = (text: string, index: number) => {
    const lines = text.slice(0, index).split('\n');
    return { row: lines.length - 1, column: lines[lines.length - 1]!.length };
  };
  return {
    startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
    startPosition: point(before, start), oldEndPosition: point(before, oldEnd), newEndPosition: point(after, newEnd),
  };
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plain(edit: object | null): object | null {
  if (!edit) return null;
  const e = edit as Record<string, unknown>;
  return Object.fromEntries(['startIndex', 'oldEndIndex', 'newEndIndex', 'startPosition', 'oldEndPosition', 'newEndPosition'].map((k) => [k, e[k]]));
}

describe('text edits', () => {
  it('is null for the same text', () => {
    assert.equal(textEdit('a\nb', 'a\nb'), null);
  });

  it('matches the character-by-character reference on random edits of long texts', () => {
    const next = random(7);
    const pieces = ['\n', 'x', 'attn = q @ k\n', '    ', 'é', '\n\n'];
    const text = (n: number) => Array.from({ length: n }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    for (let run = 0; run < 300; run++) {
      const before = text(Math.floor(next() * 4000));
      const at = Math.floor(next() * (before.length + 1));
      const removed = Math.floor(next() * Math.min(50, before.length - at + 1));
      // Some edits touch the ends, some repeat what was there (the prefix and suffix then overlap).
      const inserted = run % 5 === 0 ? before.slice(at, at + removed) + 'x' : text(Math.floor(next() * 20));
      const after = before.slice(0, at) + inserted + before.slice(at + removed);
      assert.deepEqual(plain(textEdit(before, after)), reference(before, after), `run ${run}: at ${at}, removed ${removed}, inserted ${JSON.stringify(inserted)}`);
    }
  });

  it('finds an edit at the very start and at the very end', () => {
    assert.deepEqual(plain(textEdit('abc\ndef', 'Xabc\ndef')), reference('abc\ndef', 'Xabc\ndef'));
    assert.deepEqual(plain(textEdit('abc\ndef', 'abc\ndef\n')), reference('abc\ndef', 'abc\ndef\n'));
    assert.deepEqual(plain(textEdit('\nabc', 'abc')), reference('\nabc', 'abc'));
  });
});
