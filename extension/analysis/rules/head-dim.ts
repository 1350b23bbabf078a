/** head-dim: a head size the called kernel refuses or that rules out the fused kernels. */
import { spanOf } from '../syntax/positions';
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
    if (ctx.site.api !== 'sdpa' && ctx.site.api !== 'memory_efficient_attention') return null;
    // The memory-efficient kernels need the head size divisible by 8 in fp16/bf16, by 4 in fp32.
    const q = view.facts.dtypes.q;
    const multiple = !q.known ? null : q.value === 'float32' ? 4 : q.value === 'float64' ? null : 8;
    const why = d.value > 256 && ctx.site.api === 'sdpa' ? 'above 256: SDPA\'s flash kernel does not take it'
      : multiple !== null && d.value % multiple !== 0 ? `not a multiple of ${multiple}: the memory-efficient kernel needs that in ${q.known ? q.value : 'this dtype'}` : null;
    return why ? { code: 'head-dim', severity: 'warning', span, message: `head size ${d.value} (${d.source}) is ${why}${onPath(view)}` } : null;
  }),
);
