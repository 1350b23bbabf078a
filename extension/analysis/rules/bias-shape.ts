/** bias-shape: a tensor bias passed to xformers that is not 4-D (B, H, Mq, Mkv); xformers does not broadcast it. */
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { createRule, onPath, perMode } from './rule';

export default createRule(
  { code: 'bias-shape', severity: 'error', description: 'a tensor attn_bias for xformers that is not shaped (B, H, Mq, Mkv)' },
  (ctx) => (ctx.site.api !== 'memory_efficient_attention' ? [] : perMode(ctx, (view) => {
    const arg = view.observations[0]?.args.mask;
    const v = arg?.value;
    if (!arg?.node || v?.t !== 'tensor' || v.bool || !v.shape || v.shape.length === 4) return null;
    return {
      code: 'bias-shape', severity: 'error', span: spanOf(arg.node),
      message: `xformers: "Invalid shape for attention bias" — \`${textOf(arg.node)}\` has ${v.shape.length} dims; `
        + `a tensor attn_bias must be exactly (B, H, Mq, Mkv): use \`.expand(B, H, -1, -1)\`${onPath(view)}`,
    };
  })),
);
