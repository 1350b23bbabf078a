/** manual-attention: softmax(q·kᵀ)·v written by hand, which materialises the L×L scores. */
import type { Fix } from '../report';
import type { Observation } from '../values/state';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import type { ManualDropout } from '../values/values';
import { replaceEdit } from './edits';
import { createRule, type RuleContext } from './rule';

const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'integer', 'float']);
const SWAPS = new Set(['transpose', 'swapaxes', 'swapdims']);

/** `permute(0, 1, 3, 2)`: every dim in place but the last two, swapped. */
function swapsLastTwo(dims: readonly string[]): boolean {
  const n = dims.length;
  return n >= 2 && dims.every((d, i) => Number(d) === (i === n - 2 ? n - 1 : i === n - 1 ? n - 2 : i));
}

/**
 * k itself where q·kᵀ writes it with its last two dims swapped (`.mT`, `.mH`, `.transpose(-2, -1)`,
 * `.swapaxes(-1, -2)`, `.permute(0, 1, 3, 2)`; `.transpose(1, 2)` inside `torch.bmm`, whose operands are 3-D).
 */
function untransposed(o: Observation, kNode: SyntaxNode): string | undefined {
  const fn = kNode.type === 'call' ? field(kNode, 'function') : kNode;
  if (fn?.type !== 'attribute') return undefined;
  const base = textOf(field(fn, 'object')!);
  const name = textOf(field(fn, 'attribute')!);
  if (kNode.type === 'attribute') return name === 'mT' || name === 'mH' ? base : undefined;
  const list = field(kNode, 'arguments');
  const dims = (list ? namedChildren(list) : []).map((a) => textOf(a).replace(/\s+/g, ''));
  const pair = dims.join(',');
  const swaps = SWAPS.has(name) && (pair === '-2,-1' || pair === '-1,-2' || (textOf(o.site).startsWith('torch.bmm(') && (pair === '1,2' || pair === '2,1')));
  return swaps || (name === 'permute' && swapsLastTwo(dims)) ? base : undefined;
}

/** SDPA's `dropout_p`: `p`, gated on `training=` where given; an `nn.Dropout` module drops only while it trains. */
function dropoutP(d: ManualDropout): string {
  const p = d.module ? `${textOf(d.node)}.p` : textOf(d.node);
  const training = d.module ? `${textOf(d.node)}.training` : d.trainingNode && textOf(d.trainingNode);
  return training ? `${p} if ${training} else 0.0` : p;
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
  const dropout = m.dropout ? `, dropout_p=${dropoutP(m.dropout)}` : '';
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
    const [q, k, v] = (['q', 'k', 'v'] as const).map((r) => {
      const node = args?.[r]?.node;
      if (!node) return r;
      return (r === 'k' ? untransposed(ctx.modes[0].observations[0], node) : undefined) ?? textOf(node).replace(/\.(transpose\([^)]*\)|mT|T)$/, '');
    });
    // What any path applies, the call must take too (`if mask is not None:` masks on some paths only).
    const observations = ctx.modes.flatMap((m) => m.observations);
    const mask = observations.some((o) => o.args.mask?.node ?? o.manual?.mask ?? o.manual?.maskedElsewhere) ? ', attn_mask=…' : '';
    const dropout = observations.some((o) => o.manual?.dropout) ? ', dropout_p=…' : '';
    const fix = sdpaFix(ctx);
    // Where the fix is mechanical, its call is the one to name (with the scale as written).
    const call = fix?.edits[0]?.newText ?? `F.scaled_dot_product_attention(${q}, ${k}, ${v}${mask}${dropout})`;
    return [{
      code: 'manual-attention', severity: 'information', span: ctx.site.span,
      message: `Hand-written attention materialises the L×L score matrix; \`${call}\` computes the same fused (flash or memory-efficient kernel)`,
      ...(fix ? { fix } : {}),
    }];
  },
);
