/**
 * Hand-written attention, tracked through its stages on the tensors: q·kᵀ (`@`, `matmul`, `bmm`,
 * `baddbmm`, `einsum`) gives the scores, a scalar scales them, an added tensor masks them, softmax
 * gives the probabilities, dropout drops them out, and ·v on the probabilities is an attention call.
 * An op the SDPA quick fix cannot carry over makes the chain opaque.
 */
import { arg, fileLine, type CallArgs, type Engine } from '../values/engine';
import type { ModuleInfo } from '../workspace-index/module-index';
import { opDtype } from './op-dtypes';
import { keyOfPermutedPair } from './shapes';
import { installedOn, pathConditions, type Frame, type PathState } from '../values/state';
import { textOf, type SyntaxNode } from '../syntax/syntax';
import { CASTS } from './torch-ops';
import { isTensor, tensor, unknown, UNKNOWN, type ManualDropout, type ManualStage, type TensorValue, type Value } from '../values/values';

/** Methods whose effect on hand-written attention the chain records (softmax checks its own arguments). */
export const STAGE_METHODS = new Set(['softmax', 'masked_fill', 'masked_fill_']);

/**
 * Methods that give the same values in another dtype, memory layout or shape: heads folded into the
 * batch for `bmm`/`baddbmm` and unfolded again (GPT-NeoX's `attn_scores.view(batch_size,
 * num_attention_heads, query_length, key_length)`, fairseq's views around the mask) keep the scores.
 */
export const CHAIN_METHODS = new Set([...Object.keys(CASTS), 'to', 'type', 'type_as', 'contiguous', 'clone', 'view', 'reshape']);

/**
 * Hand-written scores times (or divided by) a scalar: SDPA's `scale`. Other arithmetic with a scalar
 * on the chain makes it opaque to the quick fix; a tensor operand is a mask (elementwise records it).
 */
export function scaleStage(out: Value, op: string, l: { value: Value; node: SyntaxNode }, r: { value: Value; node: SyntaxNode }): Value {
  if (!isTensor(out) || !out.manual) return out;
  const m = out.manual;
  const onLeft = isTensor(l.value) && l.value.manual !== undefined;
  const other = onLeft ? r : l;
  // Scaled by a tensor (`scores / torch.full([], d ** 0.5)`): not a scale the SDPA fix can carry over.
  if (isTensor(other.value)) return op === '*' || op === '/' ? { ...out, manual: { ...m, opaque: true } } : out;
  const scales = m.stage === 'scores' && !m.scale && !m.mask && (op === '*' || (op === '/' && onLeft));
  return { ...out, manual: scales ? { ...m, scale: { node: other.node, op: op as '*' | '/' } } : { ...m, opaque: true } };
}

/** How a module names `torch.nn.functional` (`F`), if it imports it or torch. */
function functionalName(mod: ModuleInfo): string | undefined {
  for (const [local, qualified] of mod.imports) if (qualified === 'torch.nn.functional') return local;
  return mod.imports.get('torch') === 'torch' ? 'torch.nn.functional' : undefined;
}

/**
 * `torch.baddbmm(input, q, kᵀ, beta=β, alpha=α)` = β·input + α·(q @ kᵀ) (diffusers' attention scores):
 * scores scaled by α, with `input` as the mask unless β is 0.
 */
export function baddbmm(args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value | undefined {
  const [input, a, b] = args.positional;
  if (!input || !a || !b) return undefined;
  const out = matmul('baddbmm', a, b, st, fr, node, e);
  if (!isTensor(out) || !out.manual) return out;
  const beta = args.keywords.get('beta'); const alpha = args.keywords.get('alpha');
  const masked = !(beta?.value.t === 'num' && beta.value.value === 0);
  const scaled = alpha !== undefined && !(alpha.value.t === 'num' && alpha.value.value === 1);
  // A β chosen elsewhere (`beta = 0` without a mask, `1` with one) may add a mask on a path not
  // seen here: no mechanical fix then.
  const opaque = beta !== undefined && !['integer', 'float'].includes(beta.node.type);
  return {
    ...out,
    manual: {
      ...out.manual,
      ...(masked ? { mask: { value: input.value, node: input.node } } : {}),
      ...(scaled ? { scale: { node: alpha.node, op: '*' as const } } : {}),
      ...(opaque ? { opaque: true as const } : {}),
    },
  };
}

/**
 * A call whose callee is not run (on a path the facts rule out) or not known, given hand-written
 * scores or probabilities (`do_softcapping(scores, cap)`): its result is taken for them, opaque, so the
 * attention is still found. Undefined when no argument is on such a chain.
 */
export function throughOpaqueCall(args: CallArgs): Value | undefined {
  const chain = args.positional.map((a) => a.value).find((v) => isTensor(v) && v.manual !== undefined);
  return chain && opaqueStage(chain);
}

/**
 * Scores masked (`masked_fill`, `+ bias`, `torch.where`): the first mask is kept for the facts; a
 * second one means a causal first mask is not all the call must take (causal plus padding is not `is_causal`).
 */
export function withMask(m: ManualStage, mask: { readonly value: Value; readonly node: SyntaxNode }): ManualStage {
  if (!m.mask) return { ...m, mask };
  const first = m.mask.value;
  return isTensor(first) && first.triangular ? { ...m, mask: { ...m.mask, value: { ...first, triangular: undefined } } } : m;
}

/** Marks a hand-written attention chain as touched by an op the quick fix cannot carry over. */
export function opaqueStage(v: Value): Value {
  return isTensor(v) && v.manual ? { ...v, manual: { ...v.manual, opaque: true } } : v;
}

/**
 * After a branch the facts rule out: hand-written attention it changes is opaque on the live path too,
 * since those facts may be defaults or settings that other callers do not share (`if mask is not None:`
 * with `mask=None`) and the SDPA fix must hold for them as well.
 */
export function keepFixesSafe(live: PathState, dead: readonly PathState[]): void {
  for (const d of dead) {
    for (const [name, v] of d.env) {
      const before = live.env.get(name);
      if (before) live.env.set(name, unlessChangedElsewhere(before, [v]));
    }
  }
}

/**
 * Hand-written attention on the live path where a path the facts rule out holds other values for it
 * (a variable a dead branch changed, a helper's `return scores + bias` after `if bias is None: return
 * scores`): opaque to the SDPA fix, and needing `attn_mask` where that path masks the scores.
 */
export function unlessChangedElsewhere(live: Value, elsewhere: readonly Value[]): Value {
  if (!isTensor(live) || !live.manual) return live;
  const other = elsewhere.filter((v) => v !== live);
  if (other.length === 0) return live;
  const masks = live.manual.mask === undefined && other.some((v) => isTensor(v) && v.manual?.mask !== undefined);
  if (live.manual.opaque && !masks) return live;
  return { ...live, manual: { ...live.manual, opaque: true, ...(masks ? { maskedElsewhere: true as const } : {}) } };
}

/** An operand of a tensor op: an unknown value there is a tensor of unknown dtype. */
function asTensor(v: Value, node: SyntaxNode): Value {
  return v.t === 'unknown' ? tensor(unknown(v.why), `\`${textOf(node)}\``) : v;
}

/** The attention probabilities `v` is the transpose of (`w.permute(0, 2, 1)` after a softmax of scores), if it is one. */
function transposedProbs(v: Value): ManualStage | undefined {
  const from = isTensor(v) ? v.transposedFrom : undefined;
  return from && isTensor(from) && from.manual?.stage === 'probs' ? from.manual : undefined;
}

/** The hand-written attention `m` applied to `v`: observed at `node`, `out` its result; `asWritten` where the SDPA fix can carry it over. */
function observeProduct(m: ManualStage, v: { value: Value; node: SyntaxNode }, asWritten: boolean, st: PathState, fr: Frame, node: SyntaxNode, e: Engine, out: Value): Value {
  e.observe({
    site: node, fn: fr.fn, api: 'manual', apiText: 'softmax(q·kᵀ)·v', ctx: st.ctx,
    args: {
      q: { value: m.q, node: m.qNode }, k: { value: m.k, node: m.kNode }, v, ...(m.mask ? { mask: m.mask } : {}),
      ...(m.dropoutP ? { dropout: { value: m.dropoutP, node: null } } : {}),
    },
    manual: asWritten ? m : { ...m, opaque: true }, functional: functionalName(fr.module),
    assumed: pathConditions(st), installed: installedOn(st), dead: st.dead,
  });
  return out;
}

/** `a @ b` and its spellings; `opaque` when the product is written in a form the SDPA fix cannot replace (a general einsum). */
export function matmul(op: string, a0: { value: Value; node: SyntaxNode }, b0: { value: Value; node: SyntaxNode }, st: PathState, fr: Frame, node: SyntaxNode, e: Engine,
  opaque = false): Value {
  const a = { value: asTensor(a0.value, a0.node), node: a0.node };
  const b = { value: asTensor(b0.value, b0.node), node: b0.node };
  const dtype = opDtype(op, [a.value, b.value], st, fr, node);
  const out = tensor(dtype, `\`${textOf(node)}\` at ${fileLine(fr, node)}`);
  if (isTensor(a.value) && a.value.manual?.stage === 'probs') return observeProduct(a.value.manual, b, !opaque, st, fr, node, e, out);
  // v·pᵀ, channels first (LDM's VAE block: \`torch.bmm(v, w.permute(0, 2, 1))\`): the same attention, written the other way round.
  const probsT = transposedProbs(b.value);
  if (probsT) return observeProduct(probsT, a, false, st, fr, node, e, out);
  if (isTensor(a.value) && isTensor(b.value) && b.value.transposedFrom) {
    return { ...out, manual: { stage: 'scores', q: a.value, k: b.value.transposedFrom, qNode: a.node, kNode: b.node } };
  }
  // kᵀ as its own permute of (B, L, H, D): no `k` to hand SDPA as written, so no mechanical fix.
  const permutedKey = isTensor(a.value) && isTensor(b.value) ? keyOfPermutedPair(a.value, b.value) : undefined;
  if (permutedKey) return { ...out, manual: { stage: 'scores', q: a.value, k: permutedKey, qNode: a.node, kNode: b.node, opaque: true } };
  // q·k of activations with k laid out keys last already (\`k.view(B, C, H * W)\` beside q's (B, HW, C)): scores no fix carries over.
  if (op === 'bmm' && isTensor(a.value) && isTensor(b.value) && !a.value.param && !b.value.param && !a.value.manual && !b.value.manual) {
    return { ...out, manual: { stage: 'scores', q: a.value, k: b.value, qNode: a.node, kNode: b.node, opaque: true } };
  }
  return out;
}

/** `softmax` of `input` (`F.softmax(x, dim=-1)`, `x.softmax(-1)`, an `nn.Softmax(dim=-1)` module): on scores, the probabilities. */
export function softmax(op: string, input: Value | undefined, inputs: readonly Value[], st: PathState, fr: Frame, node: SyntaxNode, dtypeKw: Value | undefined, dim: Value | undefined): Value {
  const dtype = opDtype('softmax', inputs.filter(isTensor).slice(0, 1), st, fr, node, dtypeKw);
  const out = tensor(dtype, `\`softmax\` at ${fileLine(fr, node)}`);
  const scores = input && isTensor(input) ? input.manual : undefined;
  if (!scores) return out;
  // SDPA's softmax is over the last dim and keeps q's dtype.
  const same = op === 'softmax' && scores.stage === 'scores' && dim?.t === 'num' && dim.value === -1 && dtypeKw === undefined;
  return { ...out, manual: { ...scores, stage: 'probs', ...(same ? {} : { opaque: true as const }) } };
}

/**
 * `F.dropout(probs, p[, training])` on hand-written attention probabilities is SDPA's `dropout_p`
 * (gated on `training` where given); other forms (no `p`, `inplace=`, unpacked arguments) are opaque.
 */
export function dropoutStage(args: CallArgs): Value | undefined {
  const input = args.positional[0]?.value;
  if (!input || !isTensor(input) || !input.manual) return input;
  const p = arg(args, 1, 'p'); const training = arg(args, 2, 'training');
  const plain = args.positional.length <= 3 && [...args.keywords.keys()].every((k) => k === 'p' || k === 'training')
    && p !== undefined && !p.unpacked && !training?.unpacked && !args.morePositional && !args.moreKeywords;
  const on = training ? training.value : { t: 'bool', value: true, why: '`F.dropout` trains by default' } as Value;
  const unsure = args.morePositional ?? args.moreKeywords;
  const probability = unsure ? UNKNOWN('the dropout arguments') : on.t === 'bool' ? (on.value ? p?.value ?? { t: 'num', value: 0.5, source: '`F.dropout` default' } : { t: 'num', value: 0, source: on.why } as Value)
    : UNKNOWN(on.t === 'unknown' ? on.why : 'whether the dropout trains');
  return withDropout(input, plain ? { node: p.node, ...(training ? { trainingNode: training.node } : {}) } : undefined, probability);
}

/**
 * Probabilities after dropout with probability `p` on this path: the chain records the dropout where
 * the SDPA fix can carry it over, else turns opaque.
 */
export function withDropout(input: TensorValue, dropout: ManualDropout | undefined, p: Value): TensorValue {
  const m = input.manual!;
  const dropoutP = m.dropoutP ? UNKNOWN('two dropouts on the attention probabilities') : p;
  return { ...input, manual: dropout && m.stage === 'probs' && !m.dropout ? { ...m, dropout, dropoutP } : { ...m, opaque: true, dropoutP } };
}

export function einsum(args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const [eq, a0, b0] = args.positional;
  if (!eq || !a0 || !b0 || eq.value.t !== 'str') return UNKNOWN(textOf(node));
  const a = { value: asTensor(a0.value, a0.node), node: a0.node };
  const b = { value: asTensor(b0.value, b0.node), node: b0.node };
  const equation = eq.value.value.replace(/\s/g, '');
  // Probabilities mixed across heads (x-transformers' talking heads, `'bhij,hk->bkij'`) are not yet ·v:
  // still the probabilities, in a form the SDPA fix cannot carry over.
  if (isTensor(a.value) && a.value.manual?.stage === 'probs' && !contractsKeys(equation)) return opaqueStage(a.value);
  if (isTensor(a.value) && a.value.manual?.stage === 'probs') {
    // p·v in the layout the scores were read in: the SDPA fix carries it over, any other einsum it cannot.
    const layout = a.value.manual.einsumLayout ?? 'BHLD';
    return matmul('einsum', a, b, st, fr, node, e, (layout === 'BLHD' ? !isHeadsThirdOutput(equation) : !isBatchedMatmul(equation)));
  }
  // v·pᵀ as a batched product (\`einsum("bij,bjk->bik", v, w_)\` after \`w_\` was transposed): matmul's channels-first product.
  if (transposedProbs(b.value) && isBatchedMatmul(equation)) return matmul('einsum', a, b, st, fr, node, e, true);
  const out = tensor(opDtype('einsum', [a.value, b.value], st, fr, node), `\`einsum\` at ${fileLine(fr, node)}`);
  if (isScores(equation) && isTensor(a.value) && isTensor(b.value)) {
    const layout = isBatchedScores(equation) ? 'BHLD' : isHeadsThirdScores(equation) ? 'BLHD' : undefined;
    return { ...out, manual: { stage: 'scores', q: a.value, k: b.value, qNode: a.node, kNode: b.node, ...(layout ? { einsumLayout: layout } : { opaque: true }) } };
  }
  return out;
}

/** Subscripts of an einsum between two operands, split into single letters (undefined where any letter repeats within one). */
function subscripts(equation: string): [string[], string[], string[]] | undefined {
  const m = /^(\w+),(\w+)->(\w+)$/.exec(equation);
  if (!m) return undefined;
  const parts = [m[1]!, m[2]!, m[3]!].map((p) => [...p]);
  return parts.every((p) => new Set(p).size === p.length) ? parts as [string[], string[], string[]] : undefined;
}

/**
 * q·kᵀ in any layout: the operands share the letter contracted away (the head size) and each has one
 * the other lacks (the query and key lengths), both kept (`'bhqd,bhkd->bhqk'`, channels first as
 * `'bct,bcs->bts'`). Only the layouts the SDPA fix knows are carried over; the rest are opaque.
 */
function isScores(equation: string): boolean {
  const parts = subscripts(equation);
  if (!parts) return false;
  const [q, k, out] = parts;
  const contracted = q.filter((l) => k.includes(l) && !out.includes(l));
  const own = (x: readonly string[], y: readonly string[]): string[] => x.filter((l) => !y.includes(l));
  return contracted.length === 1 && own(q, k).length === 1 && own(k, q).length === 1 && out.includes(own(q, k)[0]!) && out.includes(own(k, q)[0]!);
}

/** Whether an einsum of the probabilities contracts their last letter (the keys) with the second operand: ·v. */
function contractsKeys(equation: string): boolean {
  const parts = subscripts(equation);
  const keys = parts?.[0].at(-1);
  return parts !== undefined && keys !== undefined && parts[1].includes(keys) && !parts[2].includes(keys);
}

/** Same letters in the same order. */
function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `'bhqd,bhkd->bhqk'`, `'bid,bjd->bij'`: exactly `q @ k.transpose(-2, -1)` (same batch letters, the last contracted). */
function isBatchedScores(equation: string): boolean {
  const parts = subscripts(equation);
  if (!parts) return false;
  const [q, k, out] = parts;
  const batch = q.slice(0, -2);
  const [t, d] = q.slice(-2); const [s, dk] = k.slice(-2);
  return q.length >= 3 && same(batch, k.slice(0, -2)) && d === dk && t !== s && same(out, [...batch, t!, s!]) && !batch.includes(s!);
}

/** `'bthd,bshd->bhts'`: q·kᵀ of (B, L, H, D) tensors, giving (B, H, Lq, Lk) scores. */
function isHeadsThirdScores(equation: string): boolean {
  const parts = subscripts(equation);
  if (!parts || parts.some((p) => p.length !== 4)) return false;
  const [[b, t, h, d], [bk, s, hk, dk], out] = parts;
  return b === bk && h === hk && d === dk && t !== s && new Set([b, t, h, d, s]).size === 5 && same(out, [b!, h!, t!, s!]);
}

/** `'bhts,bshd->bthd'`: probabilities (B, H, Lq, Lk) times v in (B, L, H, D), giving the output in (B, L, H, D). */
function isHeadsThirdOutput(equation: string): boolean {
  const parts = subscripts(equation);
  if (!parts || parts.some((p) => p.length !== 4)) return false;
  const [[b, h, t, s], [bv, sv, hv, d], out] = parts;
  return b === bv && h === hv && s === sv && new Set([b, h, t, s, d]).size === 5 && same(out, [b!, t!, h!, d!]);
}

/** `'bhqk,bhkd->bhqd'`: an einsum that is exactly `a @ b` (same batch letters, a's last contracted with b's second-to-last). */
function isBatchedMatmul(equation: string): boolean {
  const m = /^(\w*)(\w)(\w),(\w*)(\w)(\w)->(\w*)$/.exec(equation);
  if (!m) return false;
  const [, batchA, rowA, inner, batchB, innerB, colB, out] = m;
  const letters = `${batchA}${rowA}${inner}${colB}`;
  return batchA === batchB && inner === innerB && out === `${batchA}${rowA}${colB}` && new Set(letters).size === letters.length;
}
