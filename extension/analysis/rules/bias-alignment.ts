/** bias-alignment: an fp16/bf16 tensor bias for xformers whose key length is not a multiple of 8. */
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { createRule, onPath, perMode } from './rule';

export default createRule(
  { code: 'bias-alignment', severity: 'error', description: 'an xformers fp16/bf16 tensor bias whose key length is not a multiple of 8' },
  (ctx) => (ctx.site.api !== 'memory_efficient_attention' ? [] : perMode(ctx, (view) => {
    const arg = view.observations[0]?.args.mask;
    const v = arg?.value;
    if (!arg?.node || v?.t !== 'tensor' || v.bool || !v.dtype.known || v.dtype.value === 'float32' || v.dtype.value === 'float64') return null;
    const last = v.shape?.[v.shape.length - 1];
    if (!last || last.value === null || last.value % 8 === 0) return null;
    return {
      code: 'bias-alignment', severity: 'error', span: spanOf(arg.node),
      message: `xformers: "No operator found for \`memory_efficient_attention_forward\`" — \`${textOf(arg.node)}\` is ${v.dtype.value} with key length `
        + `${last.value} (${last.source}), not a multiple of 8: allocate the bias padded to a multiple of 8 and slice it${onPath(view)}`,
    };
  })),
);
