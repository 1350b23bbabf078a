/** dropout-in-eval: a dropout probability that stays on in inference. */
import type { Finding } from '../report';
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { replaceEdit } from './edits';
import { createRule } from './rule';

export default createRule(
  { code: 'dropout-in-eval', severity: 'warning', description: 'attention dropout that is not switched off in inference' },
  (ctx) => {
    const view = ctx.modes[1];
    const p = view.facts.dropout;
    const arg = view.observations[0]?.args.dropout?.node;
    if (ctx.site.api === 'multihead_attention' || view.reached === false || !p.known || p.value <= 0 || !arg) return [];
    const method = ctx.site.function?.includes('.') ?? false;
    const finding: Finding = {
      code: 'dropout-in-eval', severity: 'warning', mode: 'infer', span: spanOf(arg),
      message: `dropout ${p.value} (${p.source}) is applied in inference too: \`${textOf(arg)}\` does not depend on \`self.training\` (functional attention does not know the module's mode)`,
      ...(method ? { fix: { title: 'Use dropout only in training', edits: [replaceEdit(arg, `${textOf(arg)} if self.training else 0.0`)] } } : {}),
    };
    return [finding];
  },
);
