/** layout: q laid out (B, H, L, D) into an API that takes (B, L, H, D), or the other way round. */
import { API_LAYOUT } from '../values/attention-apis';
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { createRule, onPath, perMode } from './rule';

const NAMES = { BHLD: '(batch, heads, seqlen, head_dim)', BLHD: '(batch, seqlen, heads, head_dim)' } as const;

export default createRule(
  { code: 'layout', severity: 'error', description: 'q, k, v in the layout the other attention API expects (BHLD vs BLHD)' },
  (ctx) => perMode(ctx, (view) => {
    // A hand-written attention written as einsums takes the layout its subscripts index (`'bthd,bshd->bhts'`).
    const expected = view.observations[0]?.manual?.einsumLayout ?? API_LAYOUT[ctx.site.api];
    const shown = view.facts.layout;
    if (!expected || !shown.known || shown.value === expected) return null;
    const arg = view.observations[0]?.args.q?.node;
    return {
      code: 'layout', severity: 'error', span: arg ? spanOf(arg) : ctx.site.span,
      message: `\`${ctx.site.apiText}\` takes ${NAMES[expected]} but \`${arg ? textOf(arg) : 'q'}\` is ${NAMES[shown.value]} here (${shown.source})${onPath(view)}`,
    };
  }),
);
