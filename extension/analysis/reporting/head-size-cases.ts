/**
 * A verdict that hinges on a head size the files leave open (`C // self.n_head`, which a config
 * sets) decided once per range of head sizes the policy tells apart (`HEAD_DIM_BOUNDS`), the ranges
 * grouped by what the call does there and named by the code's expression and the range:
 * `flash if \`D\` is ≤ 256 · efficient if \`D\` is a multiple of 8 and > 256 · …`. Where every range
 * does the same, that is the verdict. Other unknowns stay as they were.
 */
import type { Decision, DtypeWarning, Verdict } from '../../../runtime/dispatch/decision';
import { known, type CallFacts } from '../../../runtime/dispatch/facts';
import { HEAD_DIM_BOUNDED, HEAD_DIM_BOUNDS, HEAD_DIM_PAIRS_UNLISTED, type HeadDimBounds } from '../../../runtime/dispatch/head-dims';
import { boundsForRatio, headSizeCells, rangeWords, type HeadSizeCell } from './head-size-ranges';
import { groupAlike, spokesman } from './outcome-groups';

export interface HeadSizeCase {
  readonly when: string;
  readonly decision: Decision;
  /** The case's facts (a size of its range) and the words its sizes are renamed to, for cases within it. */
  readonly facts: CallFacts;
  readonly names: ReadonlyMap<number, string>;
}

/**
 * The verdict per range of head sizes, or where every range does the same (`cases` empty) that
 * verdict; undefined where the decision does not wait on the head size, or cannot be split: q's and
 * v's head sizes are unknowns the code does not relate (v's is q's, or a multiple the code writes:
 * `2 * self.head_dim`), or the policy tests sizes `HEAD_DIM_BOUNDS` does not list.
 * `sameOutcome` says whether two decisions do the same (cases.ts).
 */
export function byHeadSize(facts: CallFacts, decision: Decision, decide: (facts: CallFacts) => Decision, sameOutcome: (a: Decision, b: Decision) => boolean): { decision: Decision; cases: HeadSizeCase[] } | undefined {
  const { headDim, headDimV } = facts.shape;
  if (headDim.known || headDimV.known || !HEAD_DIM_BOUNDED.has(decision.policy)) return undefined;
  const related = ratioOf(headDim.dependsOn, headDimV.dependsOn);
  if (related !== undefined && related !== 1 && HEAD_DIM_PAIRS_UNLISTED.has(decision.policy)) return undefined;
  const open = decision.verdicts.filter((v) => v.status === 'depends').flatMap((v) => v.unknowns ?? []);
  const sizes = (u: string): boolean => u.includes(headDim.dependsOn) || u.includes(headDimV.dependsOn);
  if (!open.some(sizes)) return undefined;
  // Sizes taken equal only where that decides the call (with q's dtype open too, the cases would
  // add words, not answers), and not where the code names them by two expressions of its own.
  if (related === undefined && (!open.every(sizes) || (isCodeExpression(headDim.dependsOn) && isCodeExpression(headDimV.dependsOn)))) return undefined;
  const { ratio, expr, exprV, assumed } = related !== undefined ? { ratio: related, expr: headDim.dependsOn, exprV: headDimV.dependsOn, assumed: '' } : takenEqual(headDim.dependsOn, headDimV.dependsOn);
  const bounds = boundsForRatio(HEAD_DIM_BOUNDS, ratio);
  const quoted = new Set((decisionStrings(decision).join('\n').match(/\d+/g) ?? []).map(Number));
  const cells = cellsAvoiding(bounds, (n) => quoted.has(n) || quoted.has(ratio * n));
  const decided = cells.map((cell) => {
    const source = `a head size of the case (${expr})`;
    const caseFacts: CallFacts = { ...facts, shape: { ...facts.shape, headDim: known(cell.size, source), headDimV: known(ratio * cell.size, source) } };
    const names = new Map([[cell.size, expr], [ratio * cell.size, exprV]]);
    return { cell, facts: caseFacts, names, decision: renamed(decide(caseFacts), names) };
  });
  const groups = groupAlike(decided, (d) => d.decision, sameOutcome);
  const speaker = (group: typeof decided) => spokesman(group, (d) => d.decision);
  if (groups.length === 1) return { decision: speaker(groups[0]!).decision, cases: [] };
  const cases = groups.map((g) => ({ when: `if ${expr} is ${rangeWords(bounds, cells, g.map((d) => d.cell))}`, one: speaker(g), first: Math.min(...g.map((d) => order(d.cell))) }));
  return {
    decision,
    cases: cases.sort((a, b) => a.first - b.first).map(({ when, one }, i) => ({ when: i === 0 ? `${when}${assumed}` : when, decision: one.decision, facts: one.facts, names: one.names })),
  };
}

/**
 * Head sizes the code does not relate (q and v from projections of widths a config sets, split by
 * `unflatten(-1, (heads, -1))`) taken equal, as nearly every attention has them: named by the code's
 * expression for one of them where it has one, else `D`; the first case says so. (Multi-head latent
 * attention has v's smaller than q's; where the code names both, the sizes are not taken equal.)
 */
function takenEqual(exprQ: string, exprV: string): { ratio: number; expr: string; exprV: string; assumed: string } {
  const written = [exprQ, exprV].find(isCodeExpression);
  const expr = written ?? 'D';
  return { ratio: 1, expr, exprV: expr, assumed: written ? ` (v's head size taken as q's)` : ' (D: the head size of q and of v, taken equal)' };
}

/**
 * A size named by the code's own expression (`` `self.head_dim` ``, `` `C // self.n_head` ``): one
 * text is one value. Words for a size no expression gives (a dim a view or unflatten infers) say
 * nothing of which value, so two such are not related by their words.
 */
function isCodeExpression(expr: string): boolean {
  return expr.startsWith('`') && !expr.includes('(inferred from the other dims)');
}

/** v's head size over q's where the code relates them: the same expression, or `k * <q's>`. */
function ratioOf(expr: string, exprV: string): number | undefined {
  if (!isCodeExpression(expr)) return undefined;
  if (exprV === expr) return 1;
  const multiple = /^`(\d+) \* (.+)`$/.exec(exprV);
  return multiple && `\`${multiple[2]}\`` === expr && Number(multiple[1]) > 0 ? Number(multiple[1]) : undefined;
}

const PLAIN_CELLS = headSizeCells(HEAD_DIM_BOUNDS, () => false);

/** The cells, with sizes whose numbers a decision's text does not quote already (most quote none of them). */
function cellsAvoiding(bounds: HeadDimBounds, quoted: (size: number) => boolean): HeadSizeCell[] {
  return bounds === HEAD_DIM_BOUNDS && !PLAIN_CELLS.some((c) => quoted(c.size)) ? PLAIN_CELLS : headSizeCells(bounds, quoted);
}

/** Smaller sizes first; within an interval the most aligned first. */
function order(cell: HeadSizeCell): number {
  return cell.interval * 100 - cell.alignment;
}

/** The sizes as numbers of their own in a text: not digits of a longer one, nor after a letter (sm80) or a decimal point. */
function numberPattern(sizes: readonly number[]): RegExp {
  return new RegExp(`(?<![\\w.])(?:${sizes.join('|')})(?!\\d|\\.\\d)`, 'g');
}

function decisionStrings(d: Decision): string[] {
  return [d.error ?? '', ...d.notes, ...d.verdicts.flatMap((v) => [...v.reasons, v.short ?? '']), ...d.warnings.flatMap((w) => [w.message, w.advice ?? '', w.possible ?? ''])];
}

/** The decision with the case's sizes in its words replaced by the code's expressions (`head dim \`D\``). */
export function renamed(d: Decision, exprs: ReadonlyMap<number, string>): Decision {
  const pattern = numberPattern([...exprs.keys()]);
  const words = (s: string): string => s.replace(pattern, (n) => exprs.get(Number(n))!);
  const verdict = (v: Verdict): Verdict => ({ ...v, reasons: v.reasons.map(words), ...(v.short !== undefined ? { short: words(v.short) } : {}) });
  const warning = (w: DtypeWarning): DtypeWarning => ({
    ...w, message: words(w.message), ...(w.advice !== undefined ? { advice: words(w.advice) } : {}), ...(w.possible !== undefined ? { possible: words(w.possible) } : {}),
  });
  return { ...d, verdicts: d.verdicts.map(verdict), warnings: d.warnings.map(warning), notes: d.notes.map(words), ...(d.error !== undefined ? { error: words(d.error) } : {}) };
}
