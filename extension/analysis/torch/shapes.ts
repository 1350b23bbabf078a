/**
 * Tensor shapes as the code states them: each dimension's extent where a number gives it, and its
 * role (batch, length, heads, head size) read from the name the code uses for it.
 */
import { arg, type CallArg, type CallArgs } from '../values/engine';
import { namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { boundBy, readBack, sameExtents, tensor, UNKNOWN, type Dim, type DimRole, type TensorValue, type Value } from '../values/values';

const ROLE_PATTERNS: readonly [RegExp, DimRole][] = [
  [/(^|\.)(n_heads?|num_heads|nheads|nh|h|heads|H|num_attention_heads|n_kv_heads?|num_kv_heads|n_head_kv)$/, 'H'],
  [/(^|\.)(head_dim|head_size|hd|hs|dim_head|d_head|D|d_k|dk)$|\/\/\s*(self\.)?(n_head|num_heads|n_heads|nh|heads)$/, 'D'],
  [/(^|\.)(B|bs|bsz|batch|batch_size)$/, 'B'],
  [/(^|\.)(L|T|N|S|seq_len|seqlen|seq_length|n_ctx|block_size|q_len|kv_len|tgt_len|src_len)$/, 'L'],
];

export function roleOf(text: string): DimRole | null {
  for (const [re, role] of ROLE_PATTERNS) if (re.test(text.trim())) return role;
  return null;
}

export function dimOf(v: Value, node: SyntaxNode): Dim {
  // One item of a splat (`reshape(*x.shape)`): the node is the whole splat, so the item's own words name it.
  if (node.type === 'list_splat') {
    if (v.t === 'num') return { value: v.value >= 0 ? v.value : null, role: null, source: v.value >= 0 ? v.source : `-1 in \`${textOf(node)}\` (inferred from the other dims)` };
    return { value: null, role: null, source: v.t === 'unknown' ? v.why : `a dim of \`${textOf(node)}\``, ...(boundBy(v) ? { symbol: v } : {}) };
  }
  const text = textOf(node);
  // `-1` in view/reshape is whatever extent the other dims leave.
  if (v.t === 'num' && v.value < 0) return { value: null, role: roleOf(text), source: `\`${text}\` (inferred from the other dims)` };
  if (v.t === 'num') return { value: v.value, role: roleOf(text), source: `\`${text}\` = ${v.value} (${v.source})` };
  return { value: null, role: roleOf(text), source: `\`${text}\``, ...(boundBy(v) ? { symbol: v } : {}) };
}

/**
 * What `t.shape` / `t.size()` give in `frame`: a number per dim of known extent, and for one given by
 * a variable a value read back from it (readBack), so names unpacked from it (`batch, heads, slen,
 * head_dim = x.shape`) are bound to x's dims (bindUnknown) and a tensor they shape has x's lengths.
 */
export function sizesOf(t: TensorValue, text: string, frame: object): Value {
  const size = (d: Dim): Value => (d.value !== null ? { t: 'num', value: d.value, source: d.source, int: true } : readBack(d.symbol, d.source, frame));
  if (t.shape) return { t: 'tuple', items: t.shape.map(size) };
  // Of a tensor of unknown rank, only the last dim may be known.
  return t.lastDim ? { t: 'opentuple', items: [], tail: [size(t.lastDim)], why: `the rank of \`${text}\`` } : UNKNOWN(`\`${text}\``);
}

/** `t.size(d)` / `t.size(dim=d)`: one dim's extent, as `sizesOf` gives it. */
export function sizeOf(t: TensorValue, dim: Value, text: string, frame: object): Value {
  const sizes = sizesOf(t, text, frame);
  if (dim.t !== 'num' || !Number.isInteger(dim.value)) return UNKNOWN(`\`${text}\``);
  const item = sizes.t === 'tuple' ? sizes.items.at(dim.value) : sizes.t === 'opentuple' && dim.value === -1 ? sizes.tail?.at(-1) : undefined;
  return item ?? UNKNOWN(`\`${text}\``);
}

/**
 * One item of a tensor index: `:` keeps a dim, `None` inserts one of extent 1, `...` keeps the dims no
 * other item stands for, an integer drops its dim, another slice (`:n`, `::2`) keeps it with an extent
 * not known; anything else (a tensor, a list: advanced indexing) makes the shape unknown.
 */
export type IndexItem = 'keep' | 'new' | 'rest' | 'drop' | 'slice' | 'other' | SliceItem | CutItem;

/** `[:half]` or `[half:]` with a bound the code computes: one side of a cut at `at` (its text). */
export interface CutItem { readonly at: string; readonly part: 'low' | 'high' }

/** A slice whose bounds are integers the code shows (`[..., :self.head_size]`), `text` as written. */
export interface SliceItem { readonly bounds: readonly [number | undefined, number | undefined]; readonly text: string }

/** The extent `[start:stop]` leaves of a dim of `n`, as Python slices (negative bounds from the end, clamped). */
function slicedExtent(n: number, [start, stop]: SliceItem['bounds']): number {
  const at = (b: number | undefined, dflt: number): number => (b === undefined ? dflt : Math.min(n, Math.max(0, b < 0 ? b + n : b)));
  return Math.max(0, at(stop, n) - at(start, 0));
}

/** The shape `t[…]` gives, for the index items written (basic indexing only). */
export function indexedShape(shape: readonly Dim[] | undefined, items: readonly IndexItem[]): Dim[] | undefined {
  if (!shape || items.includes('other') || items.filter((i) => i === 'rest').length > 1) return undefined;
  const consumed = items.filter((i) => i !== 'new' && i !== 'rest').length;
  if (consumed > shape.length) return undefined;
  const out: Dim[] = [];
  let at = 0;
  for (const item of items) {
    if (item === 'new') out.push({ value: 1, role: null, source: 'a new axis (`None`)' });
    else if (item === 'rest') { const n = shape.length - consumed; out.push(...shape.slice(at, at + n)); at += n; }
    else if (item === 'keep') out.push(shape[at++]!);
    else if (item === 'slice') { const d = shape[at++]!; out.push({ value: null, role: d.role, source: `${d.source} sliced` }); }
    else if (typeof item === 'object' && 'part' in item) out.push(sideOf(shape[at++]!, item));
    else if (typeof item === 'object') {
      // A slice of a dim of known extent has a known extent (NeoX's `qkv[..., : self.head_size]` of 3 · head size).
      const d = shape[at++]!;
      out.push(d.value === null ? { value: null, role: d.role, source: `${d.source} sliced` }
        : { value: slicedExtent(d.value, item.bounds), role: d.role, source: `\`[${item.text}]\` of ${d.source}` });
    }
    else at++;
  }
  return [...out, ...shape.slice(at)];
}

function sideOf(d: Dim, cut: CutItem): Dim {
  return { value: null, role: d.role, source: `${d.source} sliced`, halfOf: { whole: d, at: cut.at, part: cut.part } };
}

/** The last dim `t[…, item]` leaves of a tensor known only by its last dim: kept, or one side of a cut. */
export function indexedLastDim(lastDim: Dim | undefined, items: readonly IndexItem[]): Dim | undefined {
  const [rest, item] = items;
  if (!lastDim || items.length !== 2 || rest !== 'rest') return undefined;
  return item === 'keep' ? lastDim : typeof item === 'object' && 'part' in item ? sideOf(lastDim, item) : undefined;
}

/**
 * `torch.cat(parts, dim)`: the parts' shape with the dim along which they join summed (the two sides
 * of one cut, as RoPE's `cat((-x2, x1), dim=-1)`, give the whole back); of parts known only by their
 * last dim, that dim where they join along it. `torch.stack` adds a dim of their count.
 */
export function joinedExtents(op: 'cat' | 'stack', parts: readonly TensorValue[], dim: Value | undefined): { shape?: Dim[]; lastDim?: Dim } {
  const along = dim ?? { t: 'num', value: 0, source: 'dim 0 (default)' };
  const shapes = parts.map((p) => p.shape);
  const first = shapes[0];
  if (parts.length === 0) return {};
  if (first && shapes.every((s) => s?.length === first.length)) {
    const d = dimIndex(along, op === 'stack' ? first.length + 1 : first.length);
    if (d === null) return {};
    if (op === 'stack') return { shape: [...first.slice(0, d), { value: parts.length, role: null, source: `${parts.length} stacked` }, ...first.slice(d)] };
    return { shape: first.map((x, i) => (i === d ? summedExtent(shapes.map((s) => s![d]!)) : x)) };
  }
  const lasts = parts.map((p) => p.shape?.at(-1) ?? p.lastDim);
  if (op !== 'cat' || along.t !== 'num' || along.value !== -1 || lasts.some((x) => x === undefined)) return {};
  return { lastDim: summedExtent(lasts as Dim[]) };
}

function summedExtent(dims: readonly Dim[]): Dim {
  if (dims.every((x) => x.value !== null)) return { value: dims.reduce((n, x) => n + x.value!, 0), role: dims[0]!.role, source: dims.map((x) => x.source).join(' + ') };
  const [a, b] = dims;
  const halves = dims.length === 2 && a!.halfOf && b!.halfOf && a!.halfOf.at === b!.halfOf.at
    && (a!.halfOf.part !== b!.halfOf.part || a!.halfOf.part === 'equal') && sameExtent(a!.halfOf.whole, b!.halfOf.whole);
  return halves ? a!.halfOf!.whole : { value: null, role: null, source: `the sum of ${dims.map((x) => x.source).join(', ')}` };
}

/** One dim read twice (the same object, or a copy with its words). */
function sameExtent(a: Dim, b: Dim): boolean {
  return a === b || (a.value === b.value && a.source === b.source);
}

function transposeLast(t: TensorValue): Value {
  const shape = t.shape && t.shape.length >= 2 ? [...t.shape.slice(0, -2), t.shape[t.shape.length - 1], t.shape[t.shape.length - 2]] : undefined;
  return { ...t, shape, lastDim: undefined, manual: undefined, transposedFrom: t };
}

/**
 * `t.mT` / `t.mH` swap the last two dims (mH also conjugates, a no-op on real tensors); `t.T` reverses
 * all dims, which is that swap on a 2-D tensor (PyTorch deprecates `.T` on any other rank, so a
 * tensor of unknown rank is taken as 2-D).
 */
/**
 * `q @ k` where k is permuted like q but with its last two dims swapped (Whisper's
 * `q.view(…).permute(0, 2, 1, 3)` and `k.view(…).permute(0, 2, 3, 1)`): k in q's layout, else undefined.
 */
export function keyOfPermutedPair(q: TensorValue, k: TensorValue): TensorValue | undefined {
  const p = q.permutation; const r = k.permutation;
  if (!p || !r || p.length !== r.length || p.length < 2) return undefined;
  const n = p.length;
  const swapped = r.every((o, i) => o === (i === n - 2 ? p[n - 1] : i === n - 1 ? p[n - 2] : p[i]));
  if (!swapped) return undefined;
  const shape = k.shape && [...k.shape.slice(0, -2), k.shape[n - 1], k.shape[n - 2]];
  return tensor(k.dtype, k.origin, { shape, param: k.param });
}

export function transposeAttribute(t: TensorValue, name: 'T' | 'mT' | 'mH'): Value {
  if (name !== 'T' || !t.shape || t.shape.length === 2) return transposeLast(t);
  return tensor(t.dtype, t.origin, { shape: t.shape && [...t.shape].reverse(), param: t.param, bool: t.bool });
}

/** A permutation that keeps every dim but swaps the last two (`permute(0, 1, 3, 2)`). */
function swapsLastTwo(order: readonly (number | null)[]): boolean {
  const n = order.length;
  return n >= 2 && order.every((o, i) => o === (i === n - 2 ? n - 1 : i === n - 1 ? n - 2 : i));
}

/** The shape `zeros(2, 77, 77)` / `full((L, L), …)` state. */
export function creationShape(name: string, args: CallArgs): Dim[] | undefined {
  if (name === 'tensor' || name === 'as_tensor' || name === 'linspace') return undefined;
  const first = args.positional[0];
  if (first?.value.t === 'tuple' && first.node.children.length > 0) {
    const dims = namedChildren(first.node);
    return dims.length === first.value.items.length ? first.value.items.map((v, i) => dimOf(v, dims[i])) : undefined;
  }
  const sizes = name === 'full' ? args.positional.slice(0, 1) : args.positional;
  return sizes.length > 0 && sizes.every((a) => a.value.t === 'num' || a.value.t === 'unknown') ? sizes.map((a) => dimOf(a.value, a.node)) : undefined;
}

/** A dim argument as an index into a shape of `rank` dims (`-1` the last); null when it is not a constant in range. */
function dimIndex(v: Value | undefined, rank: number): number | null {
  if (v?.t !== 'num' || !Number.isInteger(v.value)) return null;
  const d = v.value < 0 ? rank + v.value : v.value;
  return d >= 0 && d < rank ? d : null;
}

export function splitShape(obj: TensorValue, method: string, args: CallArgs): Dim[] | undefined {
  if (!obj.shape) return undefined;
  const dimArg = arg(args, method === 'unbind' ? 0 : 1, 'dim')?.value;
  const i = dimArg === undefined ? (obj.shape.length > 0 ? 0 : null) : dimIndex(dimArg, obj.shape.length);
  if (i === null) return undefined;
  const old = obj.shape[i]!;
  if (method === 'unbind') return obj.shape.filter((_, j) => j !== i);
  const split = piece(old, method, args.positional[0]);
  return obj.shape.map((x, j) => (j === i ? split : x));
}

/** Of a tensor of unknown rank whose last dim is known, that dim in each piece of a split along it (`chunk(3, dim=-1)`). */
export function splitLastDim(obj: TensorValue, method: string, args: CallArgs): Dim | undefined {
  const dimArg = arg(args, 1, 'dim')?.value;
  if (obj.shape || !obj.lastDim || method === 'unbind' || dimArg?.t !== 'num' || dimArg.value !== -1) return undefined;
  return piece(obj.lastDim, method, args.positional[0]);
}

/** Splits into more pieces than this stay "any number of like pieces" (an unbind of a batch dim). */
const MAX_PIECES = 8;

/**
 * How many pieces a split gives where the code shows it: `chunk(n)` of a dim n divides (torch gives
 * fewer where it does not), `split(size)` of a dim size divides, `unbind` of a known dim; else null.
 */
export function splitCount(obj: TensorValue, method: string, args: CallArgs): number | null {
  const dimArg = arg(args, method === 'unbind' ? 0 : 1, 'dim')?.value;
  const at = obj.shape ? (dimArg === undefined ? 0 : dimIndex(dimArg, obj.shape.length)) : null;
  const dim = obj.shape ? (at === null ? undefined : obj.shape[at]) : dimArg?.t === 'num' && dimArg.value === -1 ? obj.lastDim : undefined;
  const extent = dim?.value ?? null;
  const by = args.positional[0]?.value;
  const n = by?.t === 'num' && Number.isInteger(by.value) && by.value > 0 ? by.value : null;
  const count = extent === null ? null : method === 'unbind' ? extent
    : n === null || extent % n !== 0 ? null : method === 'chunk' ? n : method === 'split' ? extent / n : null;
  return count !== null && count <= MAX_PIECES ? count : null;
}

/** Each piece of `chunk(n)` has 1/n of the dim, of `split(size)` `size` (when they divide it evenly); other splits vary. */
function piece(old: Dim, method: string, by: CallArg | undefined): Dim {
  const n = by?.value.t === 'num' && Number.isInteger(by.value.value) && by.value.value > 0 ? by.value.value : null;
  const even = n !== null && old.value !== null && old.value % n === 0;
  return method === 'chunk' && even ? { value: old.value! / n, role: old.role, source: `${old.source} / ${n} (\`chunk(${n})\`)` }
    : method === 'split' && even ? { value: n, role: old.role, source: `\`split(${textOf(by!.node)})\` = ${n}` }
      : { value: null, role: old.role, source: `a piece of ${old.source}` };
}

/**
 * `repeat_interleave(repeats, dim=d)` (grouped-query keys repeated to the query heads): dim d grows
 * `repeats` times, keeping its role. Without a dim the result is flat: its shape is not known.
 */
export function repeatInterleaveShape(obj: TensorValue, repeats: CallArg | undefined, dim: Value | undefined): Dim[] | undefined {
  const at = obj.shape ? dimIndex(dim, obj.shape.length) : null;
  if (!obj.shape || at === null) return undefined;
  const old = obj.shape[at]!;
  const times = repeats?.value.t === 'num' ? repeats.value.value : null;
  const grown: Dim = times !== null && old.value !== null
    ? { value: old.value * times, role: old.role, source: `${old.source} × ${times} (\`${textOf(repeats!.node)}\`)` }
    : { value: null, role: old.role, source: `${old.source} repeated${repeats ? ` \`${textOf(repeats.node)}\` times` : ''}` };
  return obj.shape.map((d, i) => (i === at ? grown : d));
}

/**
 * The items of one tuple argument: `view((B, T, H, D))` with the syntax of each item, as if passed
 * one by one; `view(hidden_shape)` with the dims its values give (their own sources, no role).
 */
function tupleDims(a: CallArg): readonly ({ value: Value; node: SyntaxNode } | { value: Value; dim: Dim })[] {
  if (a.value.t !== 'tuple') return [];
  const written = a.node.type === 'tuple' || a.node.type === 'list' ? namedChildren(a.node) : [];
  if (written.length === a.value.items.length && written.every((c) => c.type !== 'list_splat')) {
    return a.value.items.map((value, i) => ({ value, node: written[i]! }));
  }
  const where = `\`${textOf(a.node)}\``;
  return a.value.items.map((value) => ({
    value,
    dim: value.t === 'num' && value.value >= 0 ? { value: value.value, role: null, source: `${value.value} in ${where} (${value.source})` }
      : { value: null, role: null, source: value.t === 'num' ? `-1 in ${where} (inferred from the other dims)` : `a dim of ${where}`, ...(boundBy(value) ? { symbol: value } : {}) },
  }));
}

/**
 * The last dim of a view to a shape whose length is not known but whose last items are
 * (`x.view(x.size()[:-1] + (heads, head_size))` of a tensor of unknown rank): a number there is the
 * result's last dim; a `-1` or a value not known leaves it unknown.
 */
function openLastDim(open: Value & { t: 'opentuple' }, node: SyntaxNode): Dim | undefined {
  const last = open.tail?.at(-1);
  if (last?.t !== 'num' || last.value < 0) return undefined;
  return { value: last.value, role: null, source: `${last.value}, the last item of \`${textOf(node)}\` (${last.source})` };
}

/**
 * A view's `-1` is the input's size over the other dims' product, where all of those are known
 * (`view(1, 32, -1, 64)` of a (1, 32, 1024) tensor has 16 heads); otherwise it stays unknown.
 */
function inferredDim(shape: Dim[], values: readonly Value[], input: readonly Dim[] | undefined): Dim[] {
  const open = values.flatMap((v, i) => (v.t === 'num' && v.value === -1 ? [i] : []));
  if (open.length !== 1 || !input || input.some((d) => d.value === null)) return shape;
  const others = shape.filter((_, i) => i !== open[0]);
  if (others.some((d) => d.value === null || d.value === 0)) return shape;
  const size = input.reduce((n, d) => n * d.value!, 1) / others.reduce((n, d) => n * d.value!, 1);
  if (!Number.isInteger(size)) return shape;
  const at = open[0]!;
  return shape.map((d, i) => (i === at ? { ...d, value: size, source: `${d.source.replace(/ \(inferred from the other dims\)$/, '')} = ${size} (the input's size over the other dims)` } : d));
}

/** A half of a dim split into pairs and the pair's 2, flattened: the whole dim again (RoPE's rotated pairs put back). */
function pairedWhole(merged: readonly Dim[]): Dim | undefined {
  if (merged.length !== 2) return undefined;
  const half = merged.find((x) => x.halfOf?.part === 'equal');
  return half && merged.some((x) => x !== half && x.value === 2) ? half.halfOf!.whole : undefined;
}

/**
 * `x.reshape(*x.shape[:-1], -1, 2)` (or `2, -1`): the last dim split into pairs, the other dims
 * kept; its `-1` is half of the last dim, so the pairs' halves join back into it (RoPE).
 */
function pairedHalves(shape: Dim[], values: readonly Value[], input: readonly Dim[] | undefined, where: string): Dim[] {
  if (!input || shape.length !== input.length + 1 || input.slice(0, -1).some((d, i) => !sameExtent(d, shape[i]!))) return shape;
  const [a, b] = values.slice(-2);
  const open = a?.t === 'num' && a.value === -1 && b?.t === 'num' && b.value === 2 ? shape.length - 2
    : a?.t === 'num' && a.value === 2 && b?.t === 'num' && b.value === -1 ? shape.length - 1 : undefined;
  const whole = input[input.length - 1]!;
  if (open === undefined || whole.value !== null) return shape;
  return shape.map((d, i) => (i === open ? pairHalf(whole, where) : d));
}

/** The number of pairs a dim of unknown extent splits into: half of it, which the pairs' 2 joins back into it. */
function pairHalf(whole: Dim, where: string): Dim {
  return { value: null, role: whole.role, source: `half of ${whole.source}`, halfOf: { whole, at: where, part: 'equal' } };
}

/**
 * `torch.view_as_complex(x)`: x's last dim (the pair) gone; `torch.view_as_real(z)`: a last dim of 2
 * added (complex RoPE: the halves `pairHalf` made join back in the `flatten` after it).
 */
export function complexViewShape(x: TensorValue, toComplex: boolean, where: string): Dim[] | undefined {
  if (!x.shape) return undefined;
  return toComplex ? x.shape.slice(0, -1) : [...x.shape, { value: 2, role: null, source: `2 (${where})` }];
}

/** view / reshape / expand / transpose / permute: the new shape; a transpose of the last two dims remembers its input (for q·kᵀ). */
export function reshape(obj: TensorValue, method: string, args: CallArgs): Value {
  const transposes = method === 'transpose' || method === 'swapaxes' || method === 'swapdims';
  const nums = method === 'permute' && args.positional.length === 1 && args.positional[0].value.t === 'tuple' ? args.positional[0].value.items : args.positional.map((a) => a.value);
  let shape: Dim[] | undefined;
  const rank = obj.shape?.length ?? (method === 'permute' ? nums.length : undefined);
  const norm = (v: Value): number | null => (rank === undefined ? null : dimIndex(v, rank));
  const open = (method === 'view' || method === 'reshape') && args.positional.length === 1 ? args.positional[0].value : undefined;
  if (open?.t === 'opentuple') return tensor(obj.dtype, obj.origin, { param: obj.param, bool: obj.bool, lastDim: openLastDim(open, args.positional[0].node) });
  if (method === 'view' || method === 'reshape' || method === 'expand') {
    const flat = args.positional.length === 1 && nums[0].t === 'tuple' ? tupleDims(args.positional[0]) : args.positional;
    // expand's -1 keeps the existing extent, unknown when the input's shape is.
    const keep = (a: { value: Value }, i: number): Dim | undefined => (method === 'expand' && a.value.t === 'num' && a.value.value === -1
      ? obj.shape?.[i] ?? { value: null, role: null, source: 'an expanded dim' } : undefined);
    shape = flat.length > 0 ? flat.map((a, i) => keep(a, i) ?? ('node' in a ? dimOf(a.value, a.node) : a.dim)) : undefined;
    if (shape && method !== 'expand') {
      shape = inferredDim(shape, flat.map((a) => a.value), obj.shape);
      shape = pairedHalves(shape, flat.map((a) => a.value), obj.shape, `\`.${method}()\``);
    }
  } else if (transposes && obj.shape) {
    // A dim out of range raises at run time (norm gives null): the shape is then unknown.
    const [a, b] = nums.map(norm);
    if (a !== null && b !== null && a !== undefined && b !== undefined) {
      shape = [...obj.shape]; [shape[a], shape[b]] = [obj.shape[b], obj.shape[a]];
      if (rank !== undefined && ((a === rank - 1 && b === rank - 2) || (a === rank - 2 && b === rank - 1))) {
        return { ...tensor(obj.dtype, obj.origin, { shape, param: obj.param, bool: obj.bool }), transposedFrom: obj };
      }
    }
  } else if (method === 'permute') {
    const order = nums.map(norm);
    // permute names every dim, so it states the rank; of a tensor known only by its last dim, that dim moves and the others stay unknown.
    const dims = obj.shape ?? (obj.lastDim && rank ? Array.from({ length: rank }, (_, i): Dim => (i === rank - 1 ? obj.lastDim! : { value: null, role: null, source: `dim ${i} of a tensor of unknown shape` })) : undefined);
    shape = dims && order.every((o) => o !== null && dims[o]) ? order.map((o) => dims[o!]!) : undefined;
    if (swapsLastTwo(order) && (!obj.shape || obj.shape.length === order.length)) return { ...tensor(obj.dtype, obj.origin, { shape, param: obj.param, bool: obj.bool }), transposedFrom: obj };
    if (order.every((o) => o !== null)) return { ...tensor(obj.dtype, obj.origin, { shape, param: obj.param, bool: obj.bool }), permutation: order as number[] };
  }
  // Of a tensor whose rank is unknown: (-2, -1) always; (1, 2) of a 3-D one (`bmm` scores) and
  // (2, 3) of a 4-D one (transformers' `key.transpose(2, 3)`), the ranks attention tensors have.
  const swapped = nums.map((n) => (n.t === 'num' ? n.value : NaN)).sort().join();
  if (transposes && !obj.shape && nums.length === 2 && ['-1,-2', '1,2', '2,3'].includes(swapped)) {
    return { ...tensor(obj.dtype, obj.origin, { param: obj.param, bool: obj.bool }), transposedFrom: obj };
  }
  // Two dims counted from the end before the last (`transpose(-3, -2)`): the last dim stays.
  if (transposes && !obj.shape && nums.length === 2 && nums.every((n) => n.t === 'num' && Number.isInteger(n.value) && n.value < -1)) {
    return tensor(obj.dtype, obj.origin, { param: obj.param, bool: obj.bool, ...sameExtents(obj) });
  }
  return tensor(obj.dtype, obj.origin, { shape, param: obj.param, bool: obj.bool, ...triangularOf(obj) });
}

/** A causal mask stays one through a view, a slice or a comparison. */
export function triangularOf(t: TensorValue): { triangular?: true } {
  return t.triangular ? { triangular: true } : {};
}

/**
 * The shape an elementwise op between two tensors gives (broadcasting, aligned from the last dim).
 * Against a tensor of unknown shape, the known one's dims stay except those of extent 1, which the
 * other may widen (a (B, 1, C) scale times activations of unknown shape is not 1 long).
 * `bBroadcastsIntoA`: b is a parameter (a norm's weight), sized to broadcast into the activation a,
 * never to widen it: two unknown extents give a's.
 */
export function broadcastShape(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined, bBroadcastsIntoA = false): readonly Dim[] | undefined {
  if (!a || !b) return (a ?? b)?.map((d) => (d.value === 1 ? { value: null, role: null, source: `${d.source} or wider (broadcast)`, stretches: true } : d));
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const offset = long.length - short.length;
  const aligned = (d: Dim, i: number): Dim => {
    const other = short[i - offset]!;
    const [dimOfA, dimOfB] = long === a ? [d, other] : [other, d];
    return bBroadcastsIntoA && dimOfA.value === null && dimOfB.value === null ? dimOfA : broadcastDim(d, other);
  };
  return long.map((d, i) => (i < offset ? d : aligned(d, i)));
}

/** Two aligned dims: an extent of 1 stretches to the other; an unknown one stretches to a known other (both must agree, or be 1). */
function broadcastDim(a: Dim, b: Dim): Dim {
  if (a.value === 1 || (a.stretches && b.value !== 1)) return b;
  if (b.value === 1 || b.stretches || b.value === null && a.value !== null) return a;
  if (a.value === null && b.value !== null) return b;
  return a.value === null && b.value === null && a.source !== b.source ? { value: null, role: a.role === b.role ? a.role : null, source: `${a.source} or ${b.source}` } : a;
}

/** Reductions over a dim that give one tensor (`max`/`min` over a dim give values and indices). */
export const REDUCTIONS: ReadonlySet<string> = new Set(['amax', 'amin', 'sum', 'mean', 'prod', 'logsumexp', 'nansum', 'nanmean']);

/**
 * `q.amax(dim=3)`: the dim dropped, or kept as 1 with `keepdim=True` (hiera's pooled queries keep
 * their head size; an RMS norm's `mean(-1, keepdim=True)` has a last dim of 1). On a tensor of
 * unknown rank only a reduction over the last dim with keepdim, or over another counted from the
 * end, says what the last dim is.
 */
export function reducedExtents(obj: TensorValue, args: CallArgs): { shape?: Dim[]; lastDim?: Dim } {
  const dim = arg(args, 0, 'dim')?.value;
  const keep = arg(args, 1, 'keepdim')?.value;
  if (dim?.t !== 'num' || !Number.isInteger(dim.value) || (keep && keep.t !== 'bool')) return {};
  const kept = keep?.t === 'bool' && keep.value;
  const one: Dim = { value: 1, role: null, source: '1 (keepdim)' };
  const shape = obj.shape;
  if (!shape) {
    if (dim.value === -1) return kept ? { lastDim: one } : {};
    return dim.value < -1 && obj.lastDim ? { lastDim: obj.lastDim } : {};
  }
  const d = dimIndex(dim, shape.length);
  if (d === null) return {};
  return { shape: kept ? shape.map((x, i) => (i === d ? one : x)) : shape.filter((_, i) => i !== d) };
}

/** Methods that add or remove dims (rankChangeShape). */
export const RANK_CHANGES: ReadonlySet<string> = new Set(['unsqueeze', 'squeeze', 'flatten', 'unflatten']);

/**
 * The last dim of a rank change where the shape it gives is not known: a last dim of known extent
 * other than 1 survives a `squeeze` (Hugging Face's `query_layer.squeeze(1)` keeps the head size);
 * `unflatten(-1, (heads, head_dim))` ends in its last size (diffusers' processors split heads so).
 */
export function keptLastDim(obj: TensorValue, method: string, args: CallArgs): Dim | undefined {
  const last = obj.shape ? obj.shape[obj.shape.length - 1] : obj.lastDim;
  if (method === 'squeeze') return last && last.value !== null && last.value !== 1 ? last : undefined;
  const at = arg(args, 0, 'dim')?.value;
  const sizes = method === 'unflatten' && at?.t === 'num' && at.value === -1 ? arg(args, 1, 'sizes') : undefined;
  const size = sizes ? tupleDims(sizes).at(-1) : undefined;
  if (!size || (size.value.t === 'num' && size.value.value < 0)) return undefined;
  return 'dim' in size ? size.dim : dimOf(size.value, size.node);
}

/**
 * `unsqueeze(d)` inserts a dim of extent 1; `squeeze(d)` / `squeeze()` drop dims known to be 1 (one
 * that may be 1 leaves the shape unknown); `flatten(start, end)` merges dims; `unflatten(d, sizes)`
 * splits one. Undefined where the arguments or the input's shape do not say.
 */
export function rankChangeShape(obj: TensorValue, method: string, args: CallArgs): Dim[] | undefined {
  const shape = obj.shape;
  if (!shape) return undefined;
  const at = (v: Value | undefined, rank: number, fallback?: number): number | null => (v ? dimIndex(v, rank) : fallback ?? null);
  const where = `\`.${method}()\``;
  switch (method) {
    case 'unsqueeze': {
      const d = at(arg(args, 0, 'dim')?.value, shape.length + 1);
      return d === null ? undefined : [...shape.slice(0, d), { value: 1, role: null, source: `1 (${where})` }, ...shape.slice(d)];
    }
    case 'squeeze': {
      const given = arg(args, 0, 'dim');
      const dims = given ? [at(given.value, shape.length)] : shape.map((_, i) => i);
      if (dims.some((d) => d === null || shape[d]!.value === null && given !== undefined)) return undefined;
      if (!given && shape.some((x) => x.value === null)) return undefined;
      return shape.filter((x, i) => !(dims.includes(i) && x.value === 1));
    }
    case 'flatten': {
      const start = at(arg(args, 0, 'start_dim')?.value, shape.length, 0);
      const end = at(arg(args, 1, 'end_dim')?.value, shape.length, shape.length - 1);
      if (start === null || end === null || end < start) return undefined;
      const merged = shape.slice(start, end + 1);
      const whole = pairedWhole(merged);
      if (whole) return [...shape.slice(0, start), whole, ...shape.slice(end + 1)];
      const value = merged.every((x) => x.value !== null) ? merged.reduce((n, x) => n * x.value!, 1) : null;
      return [...shape.slice(0, start), { value, role: null, source: `the dims ${start}–${end} flattened (${where})` }, ...shape.slice(end + 1)];
    }
    default: {
      const d = at(arg(args, 0, 'dim')?.value, shape.length);
      const sizes = arg(args, 1, 'sizes');
      if (d === null || sizes?.value.t !== 'tuple') return undefined;
      // Each size as the code writes it (`attn.dim_heads`), so two tensors split alike have sizes one expression names.
      const parts: Dim[] = tupleDims(sizes).map((x) => ('dim' in x ? x.dim : dimOf(x.value, x.node)));
      const open = parts.filter((x) => x.value === null).length;
      const known = parts.reduce((n, x) => n * (x.value ?? 1), 1);
      const whole = shape[d]!.value;
      const settled = open === 1 && whole !== null && whole % known === 0 ? parts.map((x) => (x.value === null ? { ...x, value: whole / known } : x))
        // `unflatten(-1, (-1, 2))` of a last dim of unknown extent: its pairs (RoPE), as `reshape(*x.shape[:-1], -1, 2)`.
        : open === 1 && whole === null && d === shape.length - 1 && known === 2 && parts.length === 2 ? parts.map((x) => (x.value === null ? pairHalf(shape[d]!, where) : x))
          : parts;
      return [...shape.slice(0, d), ...settled, ...shape.slice(d + 1)];
    }
  }
}
