/** mask-disables-flash: a mask tensor keeps the flash kernel from running, on the path it is passed on. */
import { xformers } from '../../../runtime/dispatch/messages';
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { createRule, pathPhrase, perMode, switchesKeepFlashOff, type ModeView } from './rule';

const WHY: Readonly<Record<string, string>> = {
  sdpa: '"Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel',
  memory_efficient_attention: 'a tensor attn_bias rules out xformers\' flash operators — it runs its CUTLASS kernel',
  multihead_attention: 'nn.MultiheadAttention passes the mask to SDPA, which cannot use its flash kernel with it',
};

/** Why, for this path: diffusers' dispatcher passes the mask to SDPA on its default `native` backend only (the others force a kernel or raise). */
function whyOn(api: string, view: ModeView): string | undefined {
  if (api !== 'dispatch_attention_fn') return WHY[api];
  const backend = view.facts.diffusers?.backend;
  return backend?.known && backend.value === 'native' ? `diffusers' native backend passes it to SDPA: ${WHY.sdpa}` : undefined;
}

export default createRule(
  { code: 'mask-disables-flash', severity: 'information', description: 'a mask tensor rules out the flash kernel on a path' },
  (ctx) => (!WHY[ctx.site.api] && ctx.site.api !== 'dispatch_attention_fn' ? [] : perMode(ctx, (view) => {
    const why = whyOn(ctx.site.api, view);
    if (!why) return null;
    const kind = view.facts.mask.kind;
    // Where xformers finds no operator (a case of key lengths CUTLASS refuses the bias at), no kernel runs to be slower.
    if (switchesKeepFlashOff(view) || (view.decision.outcome === 'raises' && view.decision.error?.startsWith(xformers.noOperator))) return null;
    if (!kind.known || (kind.value !== 'float' && kind.value !== 'bool')) return null;
    const arg = view.observations[0]?.args.mask ?? view.observations[0]?.args.keyPaddingMask;
    const name = arg?.node ? `\`${textOf(arg.node)}\`` : 'the mask';
    return {
      code: 'mask-disables-flash', severity: 'information', span: arg?.node ? spanOf(arg.node) : ctx.site.span,
      message: `Flash is off${pathPhrase(view)}: ${name} is a ${kind.value} tensor (${kind.source}); ${why}`,
    };
  })),
);
