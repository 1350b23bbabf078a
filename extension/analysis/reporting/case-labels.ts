/**
 * Names for the cases of a verdict (cases.ts): each group of paths that decide alike is named by a
 * fact that holds on its paths and on no other group's (`under float16 autocast`, `if \`attn_mask\`
 * is None`), or where no one fact tells the groups apart, by two (`without autocast, or under
 * float16 autocast, if \`attn_mask\` is a float tensor`).
 */
import type { Decision } from '../../../runtime/dispatch/decision';
import type { CallFacts, MaskKind } from '../../../runtime/dispatch/facts';
import { OPTIONAL_LIBRARIES, type Observation } from '../values/state';
import { textOf } from '../syntax/syntax';

/** One path's observation at a call, decided alone. */
export interface Single {
  readonly observation: Observation;
  readonly facts: CallFacts;
  readonly decision: Decision;
}

/**
 * A case within a case, in words: `if flash_attn is installed and \`D\` is ≤ 256` where both are
 * conditions, else the two side by side (`without autocast, if \`D\` is ≤ 256`).
 */
export function jointWhen(outer: string, inner: string): string {
  // Each alternative of the outer case takes the inner condition (`A, or B, if m` with `if n`: `A, if n, or B, if m and n`).
  if (outer.includes(', or ')) return outer.split(', or ').map((part) => jointWhen(part, inner)).join(', or ');
  const last = outer.split(', ').pop()!;
  return last.startsWith('if ') && inner.startsWith('if ') ? `${outer} and ${inner.slice(3)}` : `${outer}, ${inner}`;
}

/**
 * A fact a case may be named by: its value on one path (undefined: not known there), and the
 * condition a set of values makes (undefined: no words for it).
 */
interface Feature {
  readonly value: (s: Single) => string | undefined;
  readonly when: (values: readonly string[]) => string | undefined;
}

function autocastFeature(): Feature {
  return {
    value: (s) => (s.observation.ctx.autocast.known ? String(s.observation.ctx.autocast.value) : undefined),
    when: autocastWords,
  };
}

/** The autocast cases `values` name (`'null'`, `'float16'`, …), in words: `without autocast or under float16 autocast`. */
export function autocastWords(values: readonly string[]): string {
  const dtypes = values.filter((v) => v !== 'null');
  const parts = [...(values.includes('null') ? ['without autocast'] : []), ...(dtypes.length > 0 ? [`under ${dtypes.join(' or ')} autocast`] : [])];
  return parts.join(' or ');
}

function libraryFeature(lib: (typeof OPTIONAL_LIBRARIES)[number]): Feature {
  return {
    value: (s) => { const v = s.observation.installed[lib]; return v === undefined ? undefined : String(v.value); },
    when: (values) => (values.length === 1 ? `if ${lib} is ${values[0] === 'true' ? '' : 'not '}installed` : undefined),
  };
}

/** A condition some path assumed (`\`attn_mask\` is None`): the paths that assumed it. */
function assumedFeature(condition: string): Feature {
  return {
    value: (s) => String(s.observation.assumed.includes(condition)),
    when: (values) => (values.length === 1 && values[0] === 'true' ? `if ${condition}` : undefined),
  };
}

export const MASK_WORDS: Readonly<Record<MaskKind, string>> = { none: 'None', bool: 'a bool tensor', float: 'a float tensor', library: 'a mask object' };

/** The mask's expression as a path passes it, where it is short and on one line. */
export function maskText(o: Observation): string | undefined {
  const node = o.args.mask?.node ?? o.args.keyPaddingMask?.node;
  const text = node ? textOf(node) : '';
  return text !== '' && text.length <= 30 && !text.includes('\n') ? text : undefined;
}

function maskFeature(): Feature {
  let name = 'the mask';
  return {
    value: (s) => {
      const text = maskText(s.observation);
      if (text !== undefined) name = `\`${text}\``;
      return s.facts.mask.kind.known ? s.facts.mask.kind.value : undefined;
    },
    when: (values) => `if ${name} is ${orWords(values.map((v) => MASK_WORDS[v as MaskKind] ?? v))}`,
  };
}

function factFeature(fact: (f: CallFacts) => { known: boolean; value?: unknown }, name: string): Feature {
  return {
    value: (s) => { const f = fact(s.facts); return f.known ? String(f.value) : undefined; },
    when: (values) => `if ${name} is ${orWords(values)}`,
  };
}

function dropoutFeature(): Feature {
  return {
    value: (s) => (s.facts.dropout.known ? String(s.facts.dropout.value > 0) : undefined),
    when: (values) => (values.length === 1 ? (values[0] === 'true' ? 'with dropout' : 'without dropout') : undefined),
  };
}

/** The facts to name cases by, in the order tried. */
function features(groups: readonly (readonly Single[])[]): Feature[] {
  const conditions = [...new Set(groups.flat().flatMap((s) => s.observation.assumed))];
  return [
    autocastFeature(),
    ...OPTIONAL_LIBRARIES.map(libraryFeature),
    ...conditions.map(assumedFeature),
    maskFeature(),
    factFeature((f) => f.dtypes.q, 'q'),
    factFeature((f) => f.causal, 'is_causal'),
    dropoutFeature(),
  ];
}

/** A condition per group that holds on its paths and on no other group's; undefined when one has none. */
export function caseLabels(groups: readonly (readonly Single[])[]): string[] | undefined {
  const all = features(groups);
  const labels: string[] = [];
  for (const [i, group] of groups.entries()) {
    const others = groups.filter((_, j) => j !== i).flat();
    const label = labelOf(all, group, others);
    if (label === undefined) return undefined;
    labels.push(label);
  }
  return labels;
}

/** The first fact that tells the group from the others, else the first pair of facts that does. */
function labelOf(all: readonly Feature[], group: readonly Single[], others: readonly Single[]): string | undefined {
  for (const f of all) {
    const label = separating(f, group, others);
    if (label !== undefined) return label;
  }
  for (const outer of all) {
    for (const inner of all) {
      const label = inner === outer ? undefined : separatingTogether(outer, inner, group, others);
      if (label !== undefined) return label;
    }
  }
  return undefined;
}

/** "a", "a or b", "a, b or c". */
export function orWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Values in a stable order: the autocast cases as AUTOCAST_CASES lists them, anything else by name. */
export const ORDER = ['null', 'float16', 'bfloat16'];
function ordered(values: Iterable<string>): string[] {
  const rank = (v: string): number => { const i = ORDER.indexOf(v); return i < 0 ? ORDER.length : i; };
  return [...values].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function separating(f: Feature, group: readonly Single[], others: readonly Single[]): string | undefined {
  const values = group.map(f.value);
  if (values.some((v) => v === undefined)) return undefined;
  const mine = ordered(new Set(values as string[]));
  const theirs = new Set(others.map(f.value));
  return mine.some((v) => theirs.has(v)) ? undefined : f.when(mine);
}

/**
 * A group told apart by two facts together (`without autocast` on every path, `under float16
 * autocast` only with a float mask): the pairs of values its paths hold, no other group's, in
 * words: the outer fact's values whose every pair is the group's, then each other outer value with
 * the inner values it takes.
 */
function separatingTogether(outer: Feature, inner: Feature, group: readonly Single[], others: readonly Single[]): string | undefined {
  const pairsOf = (singles: readonly Single[]): [string | undefined, string | undefined][] => singles.map((s) => [outer.value(s), inner.value(s)]);
  const mine = pairsOf(group);
  if (mine.some(([o, i]) => o === undefined || i === undefined)) return undefined;
  const theirs = pairsOf(others);
  const key = ([o, i]: [string | undefined, string | undefined]): string => `${o}\u0000${i}`;
  const theirKeys = new Set(theirs.map(key));
  if (mine.some((p) => theirKeys.has(key(p)))) return undefined;
  const innerOf = (pairs: [string | undefined, string | undefined][], o: string): Set<string | undefined> => new Set(pairs.filter(([x]) => x === o).map(([, i]) => i));
  const outers = ordered(new Set(mine.map(([o]) => o!)));
  const whole = outers.filter((o) => [...innerOf(theirs, o)].every((i) => innerOf(mine, o).has(i)));
  const parts: (string | undefined)[] = whole.length > 0 ? [outer.when(whole)] : [];
  // Outer values with the same inner values are named together (`under float16 or bfloat16 autocast, if …`).
  const byInner = new Map<string, string[]>();
  for (const o of outers.filter((x) => !whole.includes(x))) {
    const inners = ordered(innerOf(mine, o) as Set<string>).join('\u0000');
    byInner.set(inners, [...byInner.get(inners) ?? [], o]);
  }
  for (const [inners, os] of byInner) {
    const [onOuter, onInner] = [outer.when(os), inner.when(inners.split('\u0000'))];
    parts.push(onOuter === undefined || onInner === undefined ? undefined : jointWhen(onOuter, onInner));
  }
  return parts.some((p) => p === undefined) ? undefined : parts.join(', or ');
}
