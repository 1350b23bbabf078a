/** input-rank: 3-D q, k, v into SDPA, whose fused kernels take 4-D inputs only: the math kernel runs, silently. */
import { torch } from '../../../runtime/dispatch/messages';
import { spanOf } from '../syntax/positions';
import { createRule, pathPhrase, perMode, switchesKeepFlashOff } from './rule';

export default createRule(
  { code: 'input-rank', severity: 'warning', description: 'q, k, v that are not 4-D keep SDPA on its math kernel' },
  (ctx) => (ctx.site.api !== 'sdpa' ? [] : perMode(ctx, (view) => {
    const ranks = view.facts.shape.ranks;
    if (!ranks?.known) return null;
    const { q, k, v } = ranks.value;
    if (q === 4 && k === 4 && v === 4) return null;
    if (switchesKeepFlashOff(view)) return null;
    // The policy's reason quotes PyTorch's warning as the torch version in the settings words it.
    const flash = view.decision.verdicts.find((verdict) => verdict.backend === 'sdpa.flash');
    const quoted = flash?.reasons.find((r) => r.includes('4 dimensional')) ?? torch.fusedRank(false, q, k, v);
    const node = view.observations[0]?.args.q?.node;
    return {
      code: 'input-rank', severity: 'warning', span: node ? spanOf(node) : ctx.site.span,
      message: `SDPA runs its math kernel here${pathPhrase(view)}: ${ranks.source}; "${quoted}" — `
        + 'PyTorch falls back without a word, and the math kernel materialises the L×S score matrix. Keep the heads in a dim of their own: (B, H, L, D)',
    };
  })),
);
