/**
 * bias-alignment: a tensor bias for xformers whose key length is not a multiple of the alignment its
 * dtype needs (8 for fp16/bf16, 4 for float32): no operator takes it. Found where the bias's shape
 * shows the length, and where the length is open and the verdict of a case of lengths raises for it.
 */
import { xformers } from '../../../runtime/dispatch/messages';
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import type { Finding } from '../report';
import { createRule, onPath, perMode, type ModeView } from './rule';

const CODE = 'bias-alignment';

export default createRule(
  { code: CODE, severity: 'error', description: 'an xformers tensor bias whose key length is not a multiple of 8 (fp16/bf16) or 4 (float32)' },
  (ctx) => (ctx.site.api !== 'memory_efficient_attention' ? [] : perMode(ctx, (view) => {
    const arg = view.observations[0]?.args.mask;
    const v = arg?.value;
    if (!arg?.node) return null;
    if (v?.t !== 'tensor' || v.bool || !v.dtype.known || v.dtype.value === 'float32' || v.dtype.value === 'float64') return openLength(view, textOf(arg.node), spanOf(arg.node));
    const last = v.shape?.[v.shape.length - 1];
    if (!last || last.value === null) return openLength(view, textOf(arg.node), spanOf(arg.node));
    if (last.value % 8 === 0) return null;
    return {
      code: CODE, severity: 'error', span: spanOf(arg.node),
      message: `xformers: "${xformers.noOperator}" — \`${textOf(arg.node)}\` is ${v.dtype.value} with key length `
        + `${last.value} (${last.source}), not a multiple of 8: allocate the bias padded to a multiple of 8 and slice it${onPath(view)}`,
    };
  })),
);

/** The raise of a case of key lengths (key-length-cases.ts): the operator that takes tensor biases refused this one's alignment. */
function openLength(view: ModeView, mask: string, span: Finding['span']): Omit<Finding, 'mode'> | null {
  const d = view.decision;
  if (d.outcome !== 'raises' || !d.error?.startsWith(xformers.noOperator)) return null;
  const refusal = d.verdicts.find((verdict) => verdict.reasons.some((r) => r.startsWith('attn_bias.stride(-2) %')));
  if (!refusal?.short) return null;
  return {
    code: CODE, severity: 'error', span,
    message: `xformers: "${xformers.noOperator}" — \`${mask}\` is a tensor bias with ${refusal.short}: `
      + `allocate the bias padded to a multiple of 8 and slice it${onPath(view)}`,
  };
}
