/** manual-attention: softmax(q·kᵀ)·v written by hand, which materialises the L×L scores. */
import type { Fix } from '../report';
import type { Observation } from '../state';
import { textOf, type SyntaxNode } from '../syntax';
import { replaceEdit } from './edits';
import { createRule, type RuleContext } from './rule';

/** k as written in q·kᵀ, transposed by a method SDPA undoes; group 1 is k itself. */
const K_TRANSPOSED = /^(.*)\.(?:transpose\(\s*(?:-2\s*,\s*-1|-1\s*,\s*-2)\s*\)|mT)$/s;
/** In `torch.bmm` both operands are 3-D, so transposing dims 1 and 2 is the last two. */
const K_TRANSPOSED_3D = /^(.*)\.transpose\(\s*(?:1\s*,\s*2|2\s*,\s*1)\s*\)$/s;
const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'integer', 'float']);

function untransposed(o: Observation, kNode: SyntaxNode): string | undefined {
  const k = textOf(kNode);
  return k.match(K_TRANSPOSED)?.[1] ?? (textOf(o.site).startsWith('torch.bmm(') ? k.match(K_TRANSPOSED_3D)?.[1] : undefined);
}

/** The SDPA call one observation amounts to, or undefined when it is not mechanical (a mask, a cast, einsum, …). */
function sdpaCall(o: Observation): string | undefined {
  const m = o.manual; const v = o.args.v?.node;
  if (!m || m.opaque || m.mask || !v || !o.functional) return undefined;
  const k = untransposed(o, m.kNode);
  if (k === undefined) return undefined;
  const s = m.scale ? textOf(m.scale.node) : undefined;
  // Hand-written scores are scaled only as written; SDPA would otherwise apply 1/√D.
  const scale = !m.scale ? '1.0' : m.scale.op === '*' ? s : `1 / ${PRIMARY.has(m.scale.node.type) ? s : `(${s})`}`;
  const dropout = m.dropout ? `, dropout_p=${textOf(m.dropout)}` : '';
  return `${o.functional}.scaled_dot_product_attention(${textOf(m.qNode)}, ${k}, ${textOf(v)}${dropout}, scale=${scale})`;
}

/** Replace the final ·v with the SDPA call, when every path that reaches it gives the same one. */
function sdpaFix(ctx: RuleContext): Fix | undefined {
  const calls = new Set(ctx.modes.flatMap((m) => m.observations).map(sdpaCall));
  const [call] = calls;
  if (calls.size !== 1 || call === undefined) return undefined;
  return { title: `Use ${call.slice(0, call.indexOf('('))}`, edits: [replaceEdit(ctx.site.node, call)] };
}

export default createRule(
  { code: 'manual-attention', severity: 'information', description: 'hand-written attention that F.scaled_dot_product_attention would run fused' },
  (ctx) => {
    if (ctx.site.api !== 'manual') return [];
    const args = ctx.modes[0].observations[0]?.args;
    // k is written transposed in q·kᵀ; SDPA takes it untransposed.
    const [q, k, v] = (['q', 'k', 'v'] as const).map((r) => (args?.[r]?.node ? textOf(args[r]!.node!).replace(/\.(transpose\([^)]*\)|mT|T)$/, '') : r));
    const mask = args?.mask?.node ? ', attn_mask=…' : '';
    const fix = sdpaFix(ctx);
    return [{
      code: 'manual-attention', severity: 'information', span: ctx.site.span,
      message: `Hand-written attention materialises the L×L score matrix; \`F.scaled_dot_product_attention(${q}, ${k}, ${v}${mask})\` computes the same fused (flash or memory-efficient kernel)`,
      ...(fix ? { fix } : {}),
    }];
  },
);
