/**
 * grouped-heads: k and v with fewer heads than q in SDPA. Without `enable_gqa` the math kernel's
 * q·kᵀ cannot broadcast the heads and PyTorch raises (error); with it, a kernel that takes no grouped
 * heads is skipped, and where that leaves the slower math kernel, repeating k and v beats the flag
 * (warning) — why Hugging Face passes `enable_gqa` only without a mask.
 */
import type { Decision, Verdict } from '../../../runtime/dispatch/decision';
import { torchAtLeast } from '../../../runtime/dispatch/context';
import { torch } from '../../../runtime/dispatch/messages';
import { GROUPED_HEADS } from '../../../runtime/dispatch/rules/sdpa-heads';
import type { Finding } from '../report';
import { spanOf } from '../syntax/positions';
import { keywordFix } from './edits';
import { createRule, pathPhrase, perMode, type ModeView, type RuleContext } from './rule';

const KERNEL: Readonly<Record<string, string>> = { 'sdpa.cudnn': 'cuDNN', 'sdpa.flash': 'flash', 'sdpa.efficient': 'memory-efficient' };

export default createRule(
  { code: 'grouped-heads', severity: 'error', description: 'k, v with fewer heads than q: SDPA raises without enable_gqa, or enable_gqa keeps it off a fused kernel' },
  (ctx) => (ctx.site.api !== 'sdpa' ? [] : perMode(ctx, (view) => {
    const { heads, kvHeads } = view.facts.shape;
    if (!heads.known || !kvHeads.known || heads.value === kvHeads.value) return null;
    const counts = `k and v have ${kvHeads.value} heads (${kvHeads.source}), q ${heads.value} (${heads.source})`;
    const repeat = heads.value % kvHeads.value === 0 ? `k.repeat_interleave(${heads.value / kvHeads.value}, dim=1)` : null;
    if (view.decision.error === torch.headsBroadcast(heads.value, kvHeads.value)) return raisesWithoutFlag(ctx, view, counts, repeat);
    return mathOverFlag(view, counts, repeat);
  })),
);

function raisesWithoutFlag(ctx: RuleContext, view: ModeView, counts: string, repeat: string | null): Omit<Finding, 'mode'> {
  const written = view.observations[0]?.args.gqa?.node ?? null;
  const fix = repeat && torchAtLeast(ctx.env, 2, 5) ? keywordFix(ctx.site.node, written, 'enable_gqa', 'True') : undefined;
  const remedy = torchAtLeast(ctx.env, 2, 5) ? 'Pass enable_gqa=True, or repeat k and v to q\'s heads' : 'Repeat k and v to q\'s heads (enable_gqa needs torch 2.5)';
  return {
    code: 'grouped-heads', severity: 'error', span: written ? spanOf(written) : ctx.site.span,
    message: `SDPA raises here${pathPhrase(view)}: ${counts}, and enable_gqa is not True: "${view.decision.error}". `
      + `${remedy}${repeat ? ` (${repeat}, likewise v)` : ''}`,
    ...(fix ? { fix } : {}),
  };
}

/** A fused kernel tried before the one that runs, refused for the grouped heads alone. */
function mathOverFlag(view: ModeView, counts: string, repeat: string | null): Omit<Finding, 'mode'> | null {
  const skipped = refusedForHeadsAlone(view.decision);
  const gqa = view.observations[0]?.args.gqa?.node;
  if (!skipped || !gqa || view.decision.backend !== 'sdpa.math') return null;
  return {
    code: 'grouped-heads', severity: 'warning', span: spanOf(gqa),
    message: `enable_gqa keeps SDPA on its math kernel here${pathPhrase(view)}: ${counts}, and the ${KERNEL[skipped.backend]} kernel takes no grouped heads: "${skipped.reasons[0]}". `
      + `Repeat k and v to q's heads before the call (repeat_kv${repeat ? `, or ${repeat}` : ''}) and drop enable_gqa: the ${KERNEL[skipped.backend]} kernel then runs, not the math kernel's L×S score matrix`,
  };
}

function refusedForHeadsAlone(decision: Decision): Verdict | undefined {
  const chosen = decision.verdicts.findIndex((v) => v.backend === decision.backend);
  return decision.verdicts.slice(0, chosen).find((v) => v.status === 'rejected' && v.short === GROUPED_HEADS && v.reasons.length === 1);
}
