/** manual-attention: softmax(q·kᵀ)·v written by hand, which materialises the L×L scores. */
import { textOf } from '../syntax';
import { createRule } from './rule';

export default createRule(
  { code: 'manual-attention', severity: 'information', description: 'hand-written attention that F.scaled_dot_product_attention would run fused' },
  (ctx) => {
    if (ctx.site.api !== 'manual') return [];
    const args = ctx.modes[0].observations[0]?.args;
    // k is written transposed in q·kᵀ; SDPA takes it untransposed.
    const [q, k, v] = (['q', 'k', 'v'] as const).map((r) => (args?.[r]?.node ? textOf(args[r]!.node!).replace(/\.(transpose\([^)]*\)|mT|T)$/, '') : r));
    const mask = args?.mask?.node ? ', attn_mask=…' : '';
    return [{
      code: 'manual-attention', severity: 'information', span: ctx.site.span,
      message: `Hand-written attention materialises the L×L score matrix; \`F.scaled_dot_product_attention(${q}, ${k}, ${v}${mask})\` computes the same fused (flash or memory-efficient kernel)`,
    }];
  },
);
