/**
 * Unpacking a value into a pattern of targets (`q, k, v = …`, `for lin, x in zip(…)`,
 * `q_unpad, indices, *_ = unpad_input(…)`): which item each target takes.
 */
import { namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { UNKNOWN, type Value } from '../values/values';

/** Syntax that unpacks into its children. */
export const PATTERNS: ReadonlySet<string> = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list']);

/** Each target of `pattern` (a starred one's name, for `*rest`) with the item of `v` it takes. */
export function unpacked(pattern: SyntaxNode, v: Value): [SyntaxNode, Value][] {
  const targets = namedChildren(pattern);
  const star = targets.findIndex((t) => t.type === 'list_splat_pattern');
  const out: [SyntaxNode, Value][] = [];
  targets.forEach((t, i) => {
    const name = i === star ? namedChildren(t)[0] : t;
    if (name) out.push([name, unpackedItem(v, targets.length, i, star, name)]);
  });
  return out;
}

/**
 * What target `i` of `n` takes when `v` is unpacked; `star` is the target that collects the rest
 * (`q, idx, *_ = …`), -1 if none.
 */
function unpackedItem(v: Value, n: number, i: number, star: number, target: SyntaxNode): Value {
  const why = `\`${textOf(target)}\``;
  // Unpacking a tensor iterates its first dim: each item has the other dims.
  const item = v.t === 'many' ? v.item : v.t === 'tensor' ? { ...v, shape: v.shape && v.shape.length > 1 ? v.shape.slice(1) : undefined, lastDim: undefined } : undefined;
  if (item) return i === star ? { t: 'many', item } : item;
  if (v.t === 'tuple') {
    const fixed = n - (star < 0 ? 0 : 1);
    if (star < 0 ? v.items.length !== n : v.items.length < fixed) return UNKNOWN(why);
    if (star < 0 || i < star) return v.items[i]!;
    return i === star ? { t: 'tuple', items: v.items.slice(star, v.items.length - (n - 1 - star)) } : v.items[v.items.length - (n - i)]!;
  }
  return v.t === 'opentuple' ? openItem(v, n, i, star) ?? UNKNOWN(`${why} (${v.why})`) : UNKNOWN(why);
}

/**
 * The known item target `i` of `n` takes from a tuple of unknown length: from its first items if no
 * starred name comes before the target, from its last ones if none comes after; never where the
 * names are fewer than the items known (Python raises).
 */
function openItem(v: Value & { t: 'opentuple' }, n: number, i: number, star: number): Value | undefined {
  const tail = v.tail ?? [];
  if (star < 0 && n < v.items.length + tail.length) return undefined;
  if ((star < 0 || i < star) && i < v.items.length) return v.items[i];
  const fromEnd = n - i;
  return (star < 0 || i > star) && fromEnd <= tail.length ? tail[tail.length - fromEnd] : undefined;
}
