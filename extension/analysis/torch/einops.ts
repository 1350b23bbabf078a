/**
 * einops' `rearrange(x, 'b n (h d) -> b h n d', h=8)` (and `repeat`, `reduce`): the shape its pattern gives. The pattern is
 * einops' own small language (axis names, `(…)` groups, `...`, `1`), read here; each axis takes its
 * extent from a keyword (`h=self.heads`), from the input's dim it stands for, or, inside a group, from
 * the group's dim divided by the other members. Axis names give roles the way einops code names
 * them (`b n h d`).
 */
import type { CallArgs } from '../values/engine';
import { dimOf, roleOf } from './shapes';
import type { Dim, DimRole, TensorValue } from '../values/values';

type Item =
  | { readonly kind: 'axis'; readonly name: string }
  | { readonly kind: 'group'; readonly names: readonly string[] }
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'unit' };

/** The usual one-letter axes of einops attention code. */
const AXIS_ROLES: Readonly<Record<string, DimRole>> = { b: 'B', n: 'L', h: 'H', d: 'D' };

/** One side of a pattern; undefined where it holds anything this reader does not know (anonymous axes other than 1, nested groups). */
function parseSide(side: string): Item[] | undefined {
  const items: Item[] = [];
  let group: string[] | null = null;
  for (const token of side.replace(/[()]/g, ' $& ').trim().split(/\s+/)) {
    if (token === '(') { if (group) return undefined; group = []; continue; }
    if (token === ')') { if (!group) return undefined; items.push(group.length === 0 ? { kind: 'unit' } : { kind: 'group', names: group }); group = null; continue; }
    if (token === '...') { if (group) return undefined; items.push({ kind: 'ellipsis' }); continue; }
    if (token === '1' && !group) { items.push({ kind: 'unit' }); continue; }
    if (!/^[A-Za-z_]\w*$/.test(token)) return undefined;
    if (group) group.push(token); else items.push({ kind: 'axis', name: token });
  }
  return group ? undefined : items;
}

function axisRole(name: string): DimRole | null {
  return roleOf(name) ?? AXIS_ROLES[name] ?? null;
}

const unknownAxis = (name: string): Dim => ({ value: null, role: axisRole(name), source: `\`${name}\`` });

/**
 * The shape (or, of an input of unknown rank, only the last dim) of `rearrange(input, pattern, **sizes)`;
 * undefined where the pattern is not read. `repeat`'s new axes come from its keywords; `reduce`'s
 * dropped axes are simply absent on the right.
 */
export function rearrangeShape(input: TensorValue, pattern: string, args: CallArgs): { shape?: Dim[]; lastDim?: Dim } | undefined {
  const [left, right, extra] = pattern.split('->').map(parseSide);
  if (!left || !right || extra !== undefined) return undefined;
  const axes = new Map<string, Dim>();
  for (const [name, a] of args.keywords) axes.set(name, { ...dimOf(a.value, a.node), role: axisRole(name) });
  const ellipsis = left.findIndex((i) => i.kind === 'ellipsis');
  // Without `...` the pattern states the input's rank, even where the code does not show its dims.
  const dims = input.shape ?? (ellipsis < 0 ? [...left.slice(1).map(() => undefined), input.lastDim] : undefined);
  const middle: Dim[] = [];
  if (dims) {
    const after = left.length - ellipsis - 1;
    if (ellipsis < 0 ? dims.length !== left.length : dims.length < left.length - 1) return undefined;
    left.forEach((item, i) => {
      if (item.kind === 'ellipsis') { middle.push(...(dims.slice(i, dims.length - after) as Dim[])); return; }
      const dim = dims[ellipsis >= 0 && i > ellipsis ? dims.length - (left.length - i) : i];
      if (item.kind === 'axis' && dim && !axes.has(item.name)) axes.set(item.name, { ...dim, role: dim.role ?? axisRole(item.name) });
      if (item.kind === 'group' && dim) solveGroup(item.names, dim, axes);
    });
  }
  const out = right.flatMap((item): (Dim | undefined)[] => {
    if (item.kind === 'ellipsis') return dims ? middle : [undefined];
    if (item.kind === 'unit') return [{ value: 1, role: null, source: '`1`' }];
    if (item.kind === 'axis') return [axes.get(item.name) ?? unknownAxis(item.name)];
    return [groupDim(item.names, axes)];
  });
  if (out.every((d): d is Dim => d !== undefined)) return { shape: out };
  const last = out[out.length - 1];
  return last ? { lastDim: last } : {};
}

/** A group's members from its dim: the one member no keyword or earlier axis gives is the dim divided by the others. */
function solveGroup(names: readonly string[], dim: Dim, axes: Map<string, Dim>): void {
  const open = names.filter((n) => axes.get(n)?.value == null);
  const product = names.filter((n) => !open.includes(n)).reduce((p, n) => p * axes.get(n)!.value!, 1);
  if (open.length !== 1 || dim.value === null || dim.value % product !== 0) return;
  const [name] = open as [string];
  axes.set(name, { value: dim.value / product, role: axisRole(name), source: `\`${name}\` = ${dim.value / product} (${dim.source} / ${product})` });
}

/** A group on the right: its members multiplied, where every one is known. */
function groupDim(names: readonly string[], axes: ReadonlyMap<string, Dim>): Dim {
  const members = names.map((n) => axes.get(n));
  const known = members.every((d) => d?.value != null);
  const value = known ? members.reduce((p, d) => p * d!.value!, 1) : null;
  return { value, role: null, source: `\`(${names.join(' ')})\`${value === null ? '' : ` = ${value}`}` };
}
