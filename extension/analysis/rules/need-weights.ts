/**
 * need-weights: an `nn.MultiheadAttention` call that asks for the attention weights (the default),
 * so the module computes softmax(q·kᵀ)·v itself instead of calling a fused SDPA kernel.
 */
import { field, namedChildren, parentOf, textOf, type SyntaxNode } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { keywordFix } from './edits';
import { createRule, pathPhrase, perMode } from './rule';

export default createRule(
  { code: 'need-weights', severity: 'information', description: 'nn.MultiheadAttention computes its weights explicitly instead of running a fused kernel' },
  (ctx) => (ctx.site.api !== 'multihead_attention' ? [] : perMode(ctx, (view) => {
    const weights = view.facts.needWeights;
    if (view.decision.backend !== 'mha.weights' || !weights?.known || !weights.value) return null;
    const written = view.observations[0]?.args.needWeights?.node ?? null;
    const fix = discardsWeights(ctx.site.node) ? keywordFix(ctx.site.node, written, 'need_weights', 'False') : undefined;
    return {
      code: 'need-weights', severity: 'information', span: written ? spanOf(written) : ctx.site.span,
      message: `nn.MultiheadAttention computes softmax(q·kᵀ)·v itself${pathPhrase(view)} to return the attention weights (${weights.source}), `
        + 'materialising the L×S score matrix: "Set need_weights=False to use the optimized scaled_dot_product_attention and achieve the best performance for MHA."'
        + (fix ? ' The weights are not used here.' : ''),
      ...(fix ? { fix } : {}),
    };
  })),
);

/** The call's weights go nowhere: `out, _ = attn(…)`, `attn(…)[0]`, or a bare statement. */
function discardsWeights(call: SyntaxNode): boolean {
  const parent = parentOf(call);
  if (!parent) return false;
  if (parent.type === 'expression_statement') return true;
  if (parent.type === 'subscript') return textOf(field(parent, 'subscript') ?? parent) === '0';
  if (parent.type !== 'assignment' || field(parent, 'right') !== call) return false;
  const targets = namedChildren(field(parent, 'left') ?? parent);
  return targets.length === 2 && /^_\w*$/.test(textOf(targets[1]!));
}
