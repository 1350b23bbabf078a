/** manual-attention: softmax(q·kᵀ)·v written by hand, which materialises the L×L scores. */
import type { Fix } from '../report';
import type { Observation } from '../values/state';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { isTensor, type ManualDropout, type ManualStage } from '../values/values';
import type { Layout } from '../../../runtime/dispatch/facts';
import { replaceEdit } from './edits';
import { createRule, type RuleContext } from './rule';

const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'integer', 'float']);
/** Text that needs no parentheses before `.transpose(…)`: a name, attribute, call or subscript chain. */
const PRIMARY_TEXT = /^[\w.]+(\([^()]*\)|\[[^[\]]*\])*$/;
const SWAPS = new Set(['transpose', 'swapaxes', 'swapdims']);
/** Methods that copy a tensor as it is. */
const COPIES = new Set(['contiguous', 'clone']);

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
  // A copy of kᵀ (`k.transpose(-2, -1).contiguous()`) is kᵀ.
  const copyArgs = kNode.type === 'call' ? field(kNode, 'arguments') : undefined;
  if (fn?.type === 'attribute' && COPIES.has(textOf(field(fn, 'attribute')!)) && copyArgs && namedChildren(copyArgs).length === 0) return untransposed(o, field(fn, 'object')!);
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

/** What the SDPA call takes from a hand-written attention: q, k (untransposed), v as written, and the layout they are in. */
interface Operands { readonly q: string; readonly k: string; readonly v: string; readonly layout: Layout }

function operands(o: Observation): Operands | undefined {
  const m = o.manual; const v = o.args.v?.node;
  if (!m || !v) return undefined;
  // An einsum names k as it is; a product writes it transposed.
  const k = m.einsumLayout ? textOf(m.kNode) : untransposed(o, m.kNode);
  return k === undefined ? undefined : { q: textOf(m.qNode), k, v: textOf(v), layout: m.einsumLayout ?? 'BHLD' };
}

/**
 * The operands' rank where the code shows it: v's shape at ·v (q may be folded only for the scores,
 * as GPT-NeoX's `baddbmm` does), else q's, `bmm` (3-D), or the einsum's subscripts.
 */
function rankOf(o: Observation): number | undefined {
  const shaped = [o.args.v?.value, o.manual?.q].find((t) => t && isTensor(t) && t.shape);
  if (shaped && isTensor(shaped)) return shaped.shape!.length;
  const callee = textOf(field(o.site, 'function') ?? o.site);
  if (/(^|\.)bmm$/.test(callee)) return 3;
  const equation = /(^|\.)einsum$/.test(callee) ? namedChildren(field(o.site, 'arguments') ?? o.site)[0] : undefined;
  const letters = equation?.type === 'string' ? /^['"]\s*(\w+)\s*,/.exec(textOf(equation))?.[1] : undefined;
  return letters?.length;
}

/** `F.scaled_dot_product_attention(q, k, v, …)`, with (B, L, H, D) operands transposed to SDPA's (B, H, L, D) and the result back. */
function sdpaText(functional: string, w: Operands, keywords: readonly string[]): string {
  const heads = (x: string): string => (w.layout === 'BLHD' ? `${PRIMARY_TEXT.test(x) ? x : `(${x})`}.transpose(1, 2)` : x);
  const call = `${functional}.scaled_dot_product_attention(${[heads(w.q), heads(w.k), heads(w.v), ...keywords].join(', ')})`;
  return w.layout === 'BLHD' ? `${call}.transpose(1, 2)` : call;
}

/** SDPA's `scale` for scores scaled as written: none means 1 (SDPA would otherwise apply 1/√D). */
function scaleText(m: ManualStage): string {
  if (!m.scale) return '1.0';
  const s = textOf(m.scale.node);
  return m.scale.op === '*' ? s : `1 / ${PRIMARY.has(m.scale.node.type) ? s : `(${s})`}`;
}

/** The SDPA call one observation amounts to, or undefined when it is not mechanical (a mask, a cast, 3-D operands, …). */
function sdpaCall(o: Observation): string | undefined {
  const m = o.manual; const w = operands(o);
  if (!m || m.opaque || m.mask || !w || !o.functional || rankOf(o) !== 4 && rankOf(o) !== undefined) return undefined;
  const dropout = m.dropout ? [`dropout_p=${dropoutP(m.dropout)}`] : [];
  return sdpaText(o.functional, w, [...dropout, `scale=${scaleText(m)}`]);
}

/** Replace the final ·v with the SDPA call, when every path that reaches it gives the same one. */
function sdpaFix(ctx: RuleContext): Fix | undefined {
  const calls = new Set(ctx.modes.flatMap((m) => m.observations).map(sdpaCall));
  const [call] = calls;
  if (calls.size !== 1 || call === undefined) return undefined;
  return { title: `Use ${call.slice(0, call.indexOf('('))}`, edits: [replaceEdit(ctx.site.node, call)] };
}

/** The call to name where no fix is offered: what every path applies (a mask on some, dropout) as placeholders. */
function suggestedCall(observations: readonly Observation[]): string {
  const first = observations[0]!;
  const w = operands(first) ?? fallbackOperands(first);
  const m = first.manual;
  const masked = observations.some((o) => o.args.mask?.node ?? o.manual?.mask ?? o.manual?.maskedElsewhere);
  // A mask built from tril/triu alone is SDPA's own causal mask (top-left aligned, as `tril` of a square is).
  const causal = masked && observations.every((o) => { const v = o.manual?.mask?.value; return v !== undefined && isTensor(v) && v.triangular === true && !o.manual?.maskedElsewhere; });
  const keywords = [
    ...(causal ? ['is_causal=True'] : masked ? ['attn_mask=…'] : []),
    ...(observations.some((o) => o.manual?.dropout) ? ['dropout_p=…'] : []),
    // The scale as written, where the chain shows all of it.
    `scale=${m && !m.opaque ? scaleText(m) : '…'}`,
  ];
  return sdpaText(first.functional ?? 'F', w, keywords);
}

/**
 * q, k, v as written at the call where k's transpose is not one the fix undoes (`.T`), or is scaled
 * after it (`k.transpose(-1, -2) * scale`: `k * scale`, the scores' own pre-scaling).
 */
function fallbackOperands(o: Observation): Operands {
  const [q, k, v] = (['q', 'k', 'v'] as const).map((r) => {
    const node = o.args[r]?.node;
    return node ? textOf(node).replace(/\.(transpose\([^)]*\)|mT|T)(\.contiguous\(\))?(\s*[*/]\s*[\w.]+)?$/, '$3') : r;
  });
  return { q: q!, k: k!, v: v!, layout: 'BHLD' };
}

export default createRule(
  { code: 'manual-attention', severity: 'information', description: 'hand-written attention that F.scaled_dot_product_attention would run fused' },
  (ctx) => {
    if (ctx.site.api !== 'manual') return [];
    const observations = ctx.modes.flatMap((m) => m.observations);
    if (observations.length === 0) return [];
    const rank = rankOf(observations[0]!);
    // SDPA's fused kernels take 4-D operands only (input-rank): on 3-D ones it runs its math kernel, which gains nothing.
    if (rank !== undefined && rank !== 4) {
      return [{
        code: 'manual-attention', severity: 'information', span: ctx.site.span,
        message: `Hand-written attention materialises the L×L score matrix; q, k, v are ${rank}-D here (heads folded into the batch), so \`F.scaled_dot_product_attention\` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused`,
      }];
    }
    const fix = sdpaFix(ctx);
    // Where the fix is mechanical, its call is the one to name.
    const call = fix?.edits[0]?.newText ?? suggestedCall(observations);
    return [{
      code: 'manual-attention', severity: 'information', span: ctx.site.span,
      message: `Hand-written attention materialises the L×L score matrix; \`${call}\` computes the same fused (flash or memory-efficient kernel)`,
      ...(fix ? { fix } : {}),
    }];
  },
);
