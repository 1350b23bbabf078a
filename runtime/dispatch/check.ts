/**
 * The building blocks of a policy: a condition looks at one call and answers ok, rejected (this
 * backend is skipped), raises (the library raises here) or depends (an unknown fact decides).
 */
import type { BackendId } from './decision';
import type { CallContext } from './context';
import type { Fact, KnownFact, UnknownFact } from './facts';

export type Check =
  | { readonly kind: 'ok' }
  /** `short` is a few words for code lenses, e.g. "attn_mask is not None". */
  | { readonly kind: 'rejected'; readonly reason: string; readonly short: string }
  | { readonly kind: 'raises'; readonly reason: string; readonly short: string }
  /** `unknowns`: the facts it waits on, each once; `reason` says "depends on" them. */
  | { readonly kind: 'depends'; readonly reason: string; readonly unknowns: readonly string[] };

export const OK: Check = { kind: 'ok' };

export function rejected(reason: string, short: string): Check {
  return { kind: 'rejected', reason, short };
}

export function raises(reason: string, short: string): Check {
  return { kind: 'raises', reason, short };
}

/** `what` completes the sentence "depends on …". */
export function dependsOn(what: readonly string[]): Check {
  const unknowns = distinctClauses(what);
  return { kind: 'depends', reason: `depends on ${joinWords(unknowns)}`, unknowns };
}

/**
 * Each clause once, leaving out one another clause already says (an unknown's own text joins what
 * it depends on: "the argument `x` of f and `c`" says "`c`" too), so no verdict names a fact twice.
 */
export function distinctClauses(clauses: readonly string[]): string[] {
  const unique = [...new Set(clauses)];
  return unique.filter((c) => !unique.some((other) => other !== c && other.includes(c)));
}

export type Condition = (call: CallContext) => Check;

/** One candidate kernel in a policy's order. */
export interface BackendRule {
  readonly backend: BackendId;
  /** Whether the library considers this backend at all for the call (settings only, e.g. GPU). */
  readonly candidate?: (call: CallContext) => boolean;
  readonly conditions: readonly Condition[];
}

type Values<T extends readonly Fact<unknown>[]> = { [K in keyof T]: T[K] extends Fact<infer V> ? V : never };

/**
 * Runs `test` on the facts' values when all are known; otherwise "depends on" the unknown ones.
 * Ask only for the facts the rule needs at that point, so a known answer is never held up.
 */
export function need<const T extends readonly Fact<unknown>[]>(facts: T, test: (...values: Values<T>) => Check): Check {
  const missing = facts.filter((f): f is UnknownFact => !f.known).map((f) => f.dependsOn);
  if (missing.length > 0) return dependsOn(missing);
  return test(...(facts.map((f) => (f as KnownFact<unknown>).value) as unknown as Values<T>));
}

/**
 * A test of q's heads against k's and v's (equal, or a multiple): heads the code shows equal pass it
 * whatever their number, as every such test passes equal heads.
 */
export function needHeads(c: CallContext, test: (heads: number, kvHeads: number) => Check): Check {
  const { heads, kvHeads, sameHeads } = c.facts.shape;
  return sameHeads?.known && sameHeads.value ? OK : need([heads, kvHeads], test);
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
