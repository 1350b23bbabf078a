/** causal-alignment: a causal flag with different query and key lengths, where SDPA and flash-attn disagree. */
import { createRule, onPath, perMode } from './rule';

export default createRule(
  { code: 'causal-alignment', severity: 'warning', description: 'is_causal/causal with query length ≠ key length (SDPA aligns top-left, flash-attn bottom-right)' },
  (ctx) => perMode(ctx, (view) => {
    const { causal, shape } = view.facts;
    if (!causal.known || !causal.value || !shape.seqQ.known || !shape.seqKv.known || shape.seqQ.value === shape.seqKv.value) return null;
    const lengths = `Lq = ${shape.seqQ.value} (${shape.seqQ.source}), Lk = ${shape.seqKv.value} (${shape.seqKv.source})`;
    const message = ctx.site.api === 'sdpa'
      ? `is_causal=True aligns the causal mask to the top-left when ${lengths}: query i sees keys 0…i, not the last ones as in decoding with a cache (flash-attn aligns bottom-right); pass an explicit mask${onPath(view)}`
      : `causal=True aligns the causal mask to the bottom-right when ${lengths} (SDPA's is_causal aligns top-left)${onPath(view)}`;
    return { code: 'causal-alignment', severity: ctx.site.api === 'sdpa' ? 'warning' : 'information', span: ctx.site.span, message };
  }),
);
