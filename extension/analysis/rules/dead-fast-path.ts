/** dead-fast-path: the code's own gate never lets a path reach its fast attention call. */
import type { Finding } from '../report';
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { createRule, pathName } from './rule';
import { libraryOf } from '../interpreter/branch-calls';

const FAST = new Set(['flash_attn_func', 'flash_attn_varlen_func', 'flash_attn_varlen_qkvpacked_func', 'flash_attn_varlen_kvpacked_func', 'flash_attn_qkvpacked_func', 'flash_attn_kvpacked_func', 'flash_attn_with_kvcache',
  'flash_attn3_func', 'flash_attn3_varlen_func', 'fa4_func', 'fa4_varlen_func', 'memory_efficient_attention']);

export default createRule(
  { code: 'dead-fast-path', severity: 'warning', description: 'a fast-path branch (flash-attn, xformers) that a path never takes, because of the code\'s own gate' },
  (ctx) => {
    if (!FAST.has(ctx.site.api)) return [];
    const out: Finding[] = [];
    for (const view of ctx.modes) {
      const other = ctx.modes.find((m) => m.mode !== view.mode)!;
      if (view.reached !== false || !view.deadBy || view.observations[0]?.ctx.modeAssumed) continue;
      // The side the path takes calls the same library (HF's `flash_attn_varlen_func` / `flash_attn_func`): it loses nothing.
      const library = libraryOf(ctx.site.api);
      if (view.deadBy.alongside?.some((api) => libraryOf(api) === library)) continue;
      const gate = textOf(view.deadBy.node);
      out.push({
        code: 'dead-fast-path', severity: 'warning', mode: view.mode, span: spanOf(view.deadBy.node),
        message: `\`${ctx.site.apiText}\` is never reached on the ${pathName(view.mode)} path: \`${gate}\` is ${view.deadBy.taken ? 'true' : 'false'} there — ${view.deadBy.why}`
          + (other.reached !== false ? `; only the ${pathName(other.mode)} path can take this branch` : ''),
      });
    }
    return out;
  },
);
