/**
 * The dtype a torch op gives on a path: ordinary promotion between its tensor operands, and under
 * autocast the op lists of RULES.md (low-precision ops, float32 ops).
 */
import { promote } from '../../../runtime/dispatch/dtype';
import type { Dtype, Fact } from '../../../runtime/dispatch/facts';
import { fileLine } from '../values/engine';
import type { Frame, PathState } from '../values/state';
import type { SyntaxNode } from '../syntax/syntax';
import { AUTOCAST_FLOAT32, AUTOCAST_LOW, INTEGER_KEEPING } from './torch-ops';
import { integerDtype, isIntegerDtype, isTensor, known, unknown, type TensorValue, type Value } from '../values/values';

export function promoteFacts(a: Fact<Dtype>, b: Fact<Dtype>, fr: Frame, node: SyntaxNode): Fact<Dtype> {
  // PyTorch promotes by category first: a float tensor with an integer one gives the float's dtype
  // (a 0-dim float tensor included); integers with integers stay integers.
  const ai = isIntegerDtype(a); const bi = isIntegerDtype(b);
  if (ai && bi) return a.integer === b.integer ? a : integerDtype('integer', `${a.integer} with ${b.integer} at ${fileLine(fr, node)}`);
  if (ai || bi) {
    const f = ai ? b : a;
    return f.known ? known(f.value, `${f.value} promoted with an integer tensor (${f.source}) at ${fileLine(fr, node)}`) : f;
  }
  if (a.known && b.known) {
    if (a.value === b.value) return a;
    const p = promote(a.value, b.value);
    return known(p, `${a.value} promoted with ${b.value} (${p === a.value ? a.source : b.source}) at ${fileLine(fr, node)}`);
  }
  return a.known ? b : a;
}

/**
 * The dtype type promotion gives `tensors` (null for none). A bool tensor (`torch.where`'s condition,
 * a mask multiplied in) is the lowest kind: beside any other it decides nothing.
 */
export function promotedDtype(tensors: readonly TensorValue[], fr: Frame, node: SyntaxNode): Fact<Dtype> | null {
  const deciding = tensors.some((t) => !t.bool) ? tensors.filter((t) => !t.bool) : tensors;
  return deciding.reduce<Fact<Dtype> | null>((acc, t) => (acc === null ? t.dtype : promoteFacts(acc, t.dtype, fr, node)), null);
}

/** Ops that take their tensor inputs in one dtype only: `lerp` raises "expected dtype float for `end` but got dtype c10::Half". */
const ONE_DTYPE = new Set(['lerp', 'lerp_']);

/** The dtype `op` gives `tensors` by type promotion; unknown where `op` takes one dtype only and theirs differ (it raises there). */
export function inputsDtype(op: string, tensors: readonly TensorValue[], fr: Frame, node: SyntaxNode): Fact<Dtype> | null {
  const dtypes = new Set(tensors.map((t) => (t.dtype.known ? t.dtype.value : undefined)).filter((d) => d !== undefined));
  if (ONE_DTYPE.has(op) && dtypes.size > 1) return unknown(`\`${op}\` at ${fileLine(fr, node)}, which raises on inputs of ${[...dtypes].join(' and ')}`);
  return promotedDtype(tensors, fr, node);
}

/** The dtype an op produces under the path's autocast state (RULES.md lists). */
export function opDtype(op: string, inputs: readonly Value[], st: PathState, fr: Frame, node: SyntaxNode, dtypeKw?: Value): Fact<Dtype> {
  if (dtypeKw?.t === 'dtype') return known(dtypeKw.value, `dtype= at ${fileLine(fr, node)}`);
  // No tensor among the inputs: what the first unknown one is (`the argument x of forward`) says more than the op.
  const opaque = inputs.find((v) => v.t === 'unknown');
  const promoted = inputsDtype(op, inputs.filter(isTensor), fr, node) ?? unknown(opaque?.t === 'unknown' ? opaque.why : `the inputs of \`${op}\``);
  const low = AUTOCAST_LOW.has(op); const f32 = AUTOCAST_FLOAT32.has(op);
  if (isIntegerDtype(promoted)) return onInteger(op, promoted, fr, node);
  if (!low && !f32) return promoted;
  const ac = st.ctx.autocast;
  if (!ac.known) return promoted.known ? unknown(ac.dependsOn) : promoted;
  if (ac.value === null) return promoted;
  return low ? known(ac.value, `\`${op}\` at ${fileLine(fr, node)} runs in ${ac.value} under autocast (${ac.source})`)
    : known('float32', `\`${op}\` at ${fileLine(fr, node)} runs in float32 under autocast (${ac.source})`);
}

/**
 * What `op` gives on an integer tensor (whose dtype `integer` is): an integer tensor where PyTorch keeps
 * it (INTEGER_KEEPING), the default float dtype for a true division, anything else unknown (`exp` and
 * `sqrt` give a float, `linear` fails): what the code does not show is not guessed.
 */
export function onInteger(op: string, integer: Fact<Dtype>, fr: Frame, node: SyntaxNode): Fact<Dtype> {
  if (!isIntegerDtype(integer) || INTEGER_KEEPING.has(op)) return integer;
  if (op === 'div' || op === 'true_divide' || op === '/') {
    return known('float32', `true division of an integer tensor at ${fileLine(fr, node)} (the default dtype)`);
  }
  return unknown(`\`${op}\` at ${fileLine(fr, node)} on an integer tensor`);
}
