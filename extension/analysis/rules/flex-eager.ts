/**
 * flex-eager: `flex_attention` called without `torch.compile` on a path: PyTorch runs its unfused
 * reference implementation, which materialises the scores, instead of generating a fused kernel.
 */
import { field, textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { replaceEdit } from './edits';
import { createRule, pathPhrase, perMode } from './rule';

export default createRule(
  { code: 'flex-eager', severity: 'warning', description: 'flex_attention runs eagerly: the unfused reference path, not a fused kernel' },
  (ctx) => (ctx.site.api !== 'flex_attention' ? [] : perMode(ctx, (view) => {
    const compiled = view.facts.compiled;
    const eager = view.decision.verdicts.find((v) => v.backend === 'flex.compiled');
    if (view.decision.backend !== 'flex.eager' || !compiled?.known || eager?.status !== 'rejected') return null;
    const callee = field(ctx.site.node, 'function')!;
    // PyTorch's own advice: "SOLUTION: Use torch.compile(flex_attention)(...)".
    const fix = /^[\w.]+$/.test(textOf(callee)) ? { title: `Call torch.compile(${textOf(callee)})(…)`, edits: [replaceEdit(callee, `torch.compile(${textOf(callee)})`)] } : undefined;
    return {
      code: 'flex-eager', severity: 'warning', span: spanOf(callee),
      message: `flex_attention runs without torch.compile${pathPhrase(view)} (${compiled.source}): PyTorch runs its unfused reference implementation, `
        + `materialising the L×S scores; PyTorch 2.9 warns: "${eager.reasons[0]}"`,
      ...(fix ? { fix } : {}),
    };
  })),
);
