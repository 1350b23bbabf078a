/**
 * output-attentions: a model loaded for SDPA (asked for, or transformers' default) with
 * `output_attentions=True`: every layer falls back to eager attention to return its weights.
 */
import { spanOf } from '../syntax/positions';
import { createRule, perMode } from './rule';

export default createRule(
  { code: 'output-attentions', severity: 'information', description: 'output_attentions=True turns a model\'s SDPA attention into eager attention' },
  (ctx) => (ctx.site.api !== 'from_pretrained' ? [] : perMode(ctx, (view) => {
    const sdpa = view.decision.verdicts.find((v) => v.backend === 'transformers.sdpa');
    if (view.decision.backend !== 'transformers.eager' || sdpa?.short !== 'output_attentions=True') return null;
    const written = view.observations[0]?.args.outputAttentions?.node ?? null;
    return {
      code: 'output-attentions', severity: 'information', span: written ? spanOf(written) : ctx.site.span,
      message: `every attention layer of this model runs eager attention, materialising the L×S weights: "${sdpa.reasons[0]}"`,
    };
  })),
);
