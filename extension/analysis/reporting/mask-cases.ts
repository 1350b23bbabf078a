/**
 * A verdict that hinges on whether a mask is passed at all (`bias = self.rel_pos if … else None`,
 * a mask from a caller the files do not show) decided once per kind of mask SDPA tells apart:
 * None, an additive float tensor, a bool tensor. Kinds that do the same are one case, named by the
 * code's expression (`flash if \`attn_bias\` is None · efficient if \`attn_bias\` is a float tensor
 * or a bool tensor`). Where every kind does the same, that is the verdict.
 */
import type { Decision } from '../../../runtime/dispatch/decision';
import { known, type CallFacts, type Dtype, type Fact, type MaskKind } from '../../../runtime/dispatch/facts';
import type { Observation } from '../values/state';
import { evalFormula, formulaText, isMaskTied, isTensor, joinFact, mayBeBoolMask, type TensorValue } from '../values/values';
import { MASK_WORDS, maskText, orWords } from './case-labels';
import { groupAlike, spokesman } from './outcome-groups';

/** A kind's facts and what the call does with them. */
export interface Decided {
  readonly facts: CallFacts;
  readonly decision: Decision;
}

export interface MaskCase {
  readonly when: string;
  readonly facts: CallFacts;
  readonly decision: Decision;
}

/** The kinds a mask the code leaves open may be; a library mask object only comes from a library the code names. */
const OPEN_KINDS: readonly MaskKind[] = ['none', 'float', 'bool'];

/**
 * The verdict per kind of mask, or where every kind does the same (`cases` empty) that verdict;
 * undefined where the decision does not wait on the mask's kind.
 */
export function byMaskKind(facts: CallFacts, observations: readonly Observation[], decision: Decision, decide: (facts: CallFacts) => Decision,
  alike: (a: Decided, b: Decided) => boolean): { decision: Decision; facts: CallFacts; cases: MaskCase[] } | undefined {
  const kind = facts.mask.kind;
  if (kind.known || !decision.verdicts.some((v) => v.status === 'depends' && (v.unknowns ?? []).some((u) => u.includes(kind.dependsOn)))) return undefined;
  const name = maskName(observations);
  const decided = (shownKinds(observations) ?? OPEN_KINDS.map((k): KindCase => ({ kind: k, source: 'a case the files leave open' }))).map(({ kind: k, dtype, source }) => {
    const mask = k === 'float' ? { kind: known(k, source), dtype: dtype ?? openFloatDtype(facts, name) } : { kind: known(k, source) };
    const caseFacts: CallFacts = { ...facts, mask, causal: causalWith(facts.causal, k, name) };
    return { kind: k, facts: caseFacts, decision: decide(caseFacts) };
  });
  const groups = groupAlike(decided, (d) => d, alike);
  if (groups.length === 1) {
    const one = spokesman(groups[0]!, (d) => d.decision);
    return { decision: one.decision, facts: one.facts, cases: [] };
  }
  const cases = groups.map((group) => {
    const one = spokesman(group, (d) => d.decision);
    return { when: `if ${name} is ${orWords(group.map((d) => MASK_WORDS[d.kind]))}`, facts: one.facts, decision: one.decision };
  });
  return { decision, facts, cases };
}

/**
 * A causal flag the code computes from the mask's None-ness (`is_causal=mask is None`), in a case of
 * the mask's kind: settled where that decides it, else what is left of its formula.
 */
function causalWith(causal: Fact<boolean>, kind: MaskKind, name: string): Fact<boolean> {
  if (!isMaskTied(causal)) return causal;
  const { formula, noneAtom } = causal.maskTied;
  const value = evalFormula(formula, new Map([[noneAtom, kind === 'none']]));
  return value === undefined ? causal : known(value, `\`${formulaText(formula)}\` where ${name} is ${MASK_WORDS[kind]}`);
}

/**
 * The dtype of a float mask the code does not show: q's, on assumption, as a mask built for the call
 * is (from the hidden states' dtype); where q's is open, the same fact (under autocast, SDPA casts both).
 */
function openFloatDtype(facts: CallFacts, name: string): Fact<Dtype> {
  const q = facts.dtypes.q;
  return q.known ? known(q.value, `${name}, a float mask, is in q's dtype (assumed: the files do not show it)`) : q;
}

interface KindCase {
  readonly kind: MaskKind;
  /** Where the code shows it, or that it is a case. */
  readonly source: string;
  /** A float mask's dtype, where the code shows it. */
  readonly dtype?: Fact<Dtype>;
}

/**
 * The kinds the paths' masks may be where the code shows each (None, or a tensor it built: a
 * `… if … else None` keeps the tensor beside the None); undefined where some path's mask is
 * open. A float mask of different dtypes on two paths has an open dtype.
 */
function shownKinds(observations: readonly Observation[]): KindCase[] | undefined {
  const kinds = new Map<MaskKind, KindCase>();
  const add = (k: KindCase): void => {
    const had = kinds.get(k.kind);
    kinds.set(k.kind, had && had.dtype && k.dtype ? { ...had, dtype: joinFact(had.dtype, k.dtype) } : had ?? k);
  };
  const addTensor = (t: TensorValue): void => {
    const source = `${t.origin}, on the paths that pass a tensor`;
    if (mayBeBoolMask(t)) { add({ kind: 'float', source }); add({ kind: 'bool', source }); }
    else add(t.bool ? { kind: 'bool', source } : { kind: 'float', dtype: t.dtype, source });
  };
  const none: KindCase = { kind: 'none', source: 'on the paths that pass None' };
  for (const o of observations) {
    const v = (o.args.mask ?? o.args.keyPaddingMask)?.value;
    if (!v || v.t === 'none') add(none);
    else if (v.t === 'tensor') addTensor(v);
    else if (v.t === 'unknown' && v.orNone && isTensor(v.orNone)) { add(none); addTensor(v.orNone); }
    else return undefined;
  }
  return [...kinds.values()];
}

/** The mask as the code writes it, where every path passes the same short expression; else "the mask". */
function maskName(observations: readonly Observation[]): string {
  const texts = new Set(observations.map(maskText));
  const [text] = texts;
  return texts.size === 1 && text !== undefined ? `\`${text}\`` : 'the mask';
}
