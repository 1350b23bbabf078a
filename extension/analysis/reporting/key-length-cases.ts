/**
 * A verdict that hinges on a key length the files leave open (the tokens of a batch, a padded mask's
 * last dim) decided once per class of lengths the rules tell apart: a tensor bias's strides that
 * xformers needs aligned to 128 bits (a multiple of 8, 4 or 2 by the bias's dtype), and cuDNN's
 * refusal of a single key. A length is data, not code: the cases are the answer, named by the code's
 * expression (`cutlass if \`L\` is a multiple of 8 · raises if not`). Where every class does the
 * same, that is the verdict.
 */
import type { Decision } from '../../../runtime/dispatch/decision';
import { known, type CallFacts } from '../../../runtime/dispatch/facts';
import { renamed } from './head-size-cases';
import { groupAlike, spokesman } from './outcome-groups';

export interface KeyLengthCase {
  readonly when: string;
  readonly decision: Decision;
}

/** A class of key lengths: the largest power of two up to 8 that divides them (1: odd), or the single key. */
interface LengthClass {
  readonly divisor: 1 | 2 | 4 | 8;
  readonly single: boolean;
  /** A length of the class, one no message quotes for another reason. */
  readonly length: number;
}

const CLASSES: readonly LengthClass[] = [
  { divisor: 8, single: false, length: 8008 },
  { divisor: 4, single: false, length: 8004 },
  { divisor: 2, single: false, length: 8002 },
  { divisor: 1, single: false, length: 8001 },
  { divisor: 1, single: true, length: 1 },
];

/**
 * The verdict per class of key lengths, or where every class does the same (`cases` empty) that
 * verdict; undefined where the decision does not wait on the key length.
 */
export function byKeyLength(facts: CallFacts, decision: Decision, decide: (facts: CallFacts) => Decision, sameOutcome: (a: Decision, b: Decision) => boolean): { decision: Decision; cases: KeyLengthCase[] } | undefined {
  const { seqKv } = facts.shape;
  if (seqKv.known) return undefined;
  const open = decision.verdicts.filter((v) => v.status === 'depends').flatMap((v) => v.unknowns ?? []);
  if (!open.some((u) => u.includes(seqKv.dependsOn))) return undefined;
  const expr = seqKv.dependsOn;
  const decided = CLASSES.map((cls) => {
    const d = decide({ ...facts, shape: { ...facts.shape, seqKv: known(cls.length, `a key length of the case (${expr})`) } });
    return { cls, decision: cls.single ? d : renamed(d, new Map([[cls.length, expr]])) };
  });
  const groups = groupAlike(decided, (d) => d.decision, sameOutcome);
  const speaker = (group: typeof decided): Decision => spokesman(group, (d) => d.decision).decision;
  // Alike at every length and still open: the length decides nothing, the other unknowns stay as they were.
  if (groups.length === 1) return { decision: speaker(groups[0]!).outcome === 'depends' ? decision : speaker(groups[0]!), cases: [] };
  return { decision, cases: groups.map((g) => ({ when: `if ${expr} is ${classWords(g.map((d) => d.cls))}`, decision: speaker(g) })) };
}

/**
 * Words for a set of classes: "a multiple of 4" where it is every class a divisor divides, "not a
 * multiple of 4" for the rest; the single key said apart where it sits with other classes it does
 * not complete ("odd and > 1", "1").
 */
function classWords(set: readonly LengthClass[]): string {
  const lengths = CLASSES.filter((c) => !c.single);
  const has = (c: LengthClass): boolean => set.includes(c);
  const multiples = set.filter((c) => !c.single);
  const single = set.some((c) => c.single);
  if (multiples.length === 0) return '1';
  if (multiples.length === lengths.length) return single ? 'any length' : 'more than 1';
  for (const k of [8, 4, 2] as const) {
    const divisible = lengths.filter((c) => c.divisor >= k);
    if (multiples.length === divisible.length && divisible.every(has)) return `a multiple of ${k}${single ? ' or 1' : ''}`;
    const rest = lengths.filter((c) => c.divisor < k);
    if (multiples.length === rest.length && rest.every(has)) return `${k === 2 ? 'odd' : `not a multiple of ${k}`}${single ? '' : ' and > 1'}`;
  }
  return multiples.map((c) => (c.divisor === 1 ? 'odd' : `${c.divisor === 8 ? 'a multiple of 8' : `${c.divisor} times an odd number`}`)).join(' or ') + (single ? ' or 1' : '');
}
