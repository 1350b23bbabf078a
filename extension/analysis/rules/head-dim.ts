/** head-dim: a head size the called kernel refuses or that rules out the fused kernels. */
import { spanOf } from '../syntax';
import { createRule, onPath, perMode } from './rule';

export default createRule(
  { code: 'head-dim', severity: 'warning', description: 'a head size flash-attn refuses, or one that keeps SDPA/xformers off their fused kernels' },
  (ctx) => perMode(ctx, (view) => {
    const d = view.facts.shape.headDim;
    if (!d.known) return null;
    const arg = view.observations[0]?.args.q?.node;
    const span = arg ? spanOf(arg) : ctx.site.span;
    if (ctx.site.api.startsWith('flash_attn') && d.value > 256) {
      return { code: 'head-dim', severity: 'error', span, message: `flash-attn: "FlashAttention forward only supports head dimension at most 256" — head size ${d.value} (${d.source})${onPath(view)}` };
    }
    if ((ctx.site.api === 'sdpa' || ctx.site.api === 'memory_efficient_attention') && (d.value > 256 || d.value % 8 !== 0)) {
      const why = d.value > 256 ? 'above 256, the flash kernel\'s limit' : 'not a multiple of 8, which the flash and memory-efficient kernels need in fp16/bf16';
      return { code: 'head-dim', severity: 'warning', span, message: `head size ${d.value} (${d.source}) is ${why}${onPath(view)}` };
    }
    return null;
  }),
);
