/**
 * apex's fused norms (`apex.normalization.fused_layer_norm`: `fused_layer_norm_affine`,
 * `fused_layer_norm`, `fused_rms_norm_affine`, `fused_rms_norm`), which timm's fast norms call where
 * apex is installed. They normalise in the input's dtype and shape: outside autocast the output has
 * the input's dtype. Under autocast, releases that cast the inputs to autocast's dtype first
 * (`_cast_if_autocast_enabled`) give that dtype, earlier ones the input's: one of the two, a dtype
 * autocast casts (SDPA is decided on it, flash-attn and xformers are not). The `mixed_dtype_…`
 * variants, which give the weight's dtype, are left unknown.
 */
import { fileLine, type CallArgs } from '../values/engine';
import type { PathState, Frame } from '../values/state';
import type { SyntaxNode } from '../syntax/syntax';
import { autocastCastable } from '../../../runtime/dispatch/facts';
import { isTensor, known, sameExtents, tensor, unknown, type Value } from '../values/values';

const MODULE = 'apex.normalization.fused_layer_norm.';
const NORMS: ReadonlySet<string> = new Set(['fused_layer_norm_affine', 'fused_layer_norm', 'fused_rms_norm_affine', 'fused_rms_norm']);

/** The value a call of one of apex's fused norms gives; undefined when `name` is not one or its input is no tensor. */
export function apexNormCall(name: string, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined {
  const fn = name.startsWith(MODULE) ? name.slice(MODULE.length) : undefined;
  const input = args.positional[0]?.value;
  if (!fn || !NORMS.has(fn) || !input || !isTensor(input)) return undefined;
  const where = `apex's \`${fn}\` at ${fileLine(fr, node)}`;
  const autocast = st.ctx.autocast;
  const dtype = !autocast.known ? unknown(`whether autocast is on where ${where} runs`)
    : autocast.value !== null ? autocastCastable(`the dtype ${where} gives under ${autocast.value} autocast (its input's, or ${autocast.value} in releases that cast its inputs)`)
      : input.dtype.known ? known(input.dtype.value, `${input.dtype.source}, kept by ${where}`) : input.dtype;
  return tensor(dtype, where, sameExtents(input));
}
