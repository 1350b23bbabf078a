/**
 * flash-attention-2-dtype: `from_pretrained(attn_implementation="flash_attention_2")` with weights in
 * float32 (asked for, or by default): transformers warns at load, and flash-attn raises on the first
 * forward that does not run under autocast.
 */
import { flashAttn, transformers } from '../../../runtime/dispatch/messages';
import { field, parentOf, textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { keywordFix } from './edits';
import { createRule, perMode } from './rule';

export default createRule(
  { code: 'flash-attention-2-dtype', severity: 'warning', description: 'a model loaded for flash_attention_2 in float32' },
  (ctx) => (ctx.site.api !== 'from_pretrained' ? [] : perMode(ctx, (view) => {
    const load = view.facts.transformers;
    const dtype = view.facts.dtypes.q;
    if (!load?.implementation.known || load.implementation.value !== 'flash_attention_2' || !dtype.known) return null;
    if (dtype.value === 'float16' || dtype.value === 'bfloat16') return null;
    const args = view.observations[0]?.args;
    const written = args?.modelDtype?.node ?? null;
    const said = load.dtypeGiven ? `"${transformers.fa2Dtype(load.modelClass, dtype.value)}"` : `"${transformers.fa2NoDtype}"; the weights load in ${dtype.value} (${dtype.source}).`;
    // The keyword as written (`dtype=` in later releases), else the one this release reads.
    const pair = written ? parentOf(written) : undefined;
    const name = pair?.type === 'keyword_argument' ? field(pair, 'name') : undefined;
    const keyword = name ? textOf(name) : 'torch_dtype';
    const fix = keywordFix(ctx.site.node, written, keyword, 'torch.bfloat16');
    return {
      code: 'flash-attention-2-dtype', severity: 'warning', span: written ? spanOf(written) : args?.attnImplementation?.node ? spanOf(args.attnImplementation.node) : ctx.site.span,
      message: `transformers warns when loading this model: ${said} Outside autocast it casts float32 q, k, v to the weights' dtype, `
        + `so every attention layer raises "${flashAttn.dtype}" unless the model runs under torch.autocast.`,
      ...(fix ? { fix } : {}),
    };
  })),
);
