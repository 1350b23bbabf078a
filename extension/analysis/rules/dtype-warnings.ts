/**
 * The dtype problems the dispatch policy reports (`Decision.warnings`), turned into findings that
 * name the variables, say where each dtype came from, and offer the casts as edits.
 * Shared by the dtype-mismatch, dtype-unsupported and bias-dtype rules.
 */
import type { Cast, DtypeWarning } from '../../../runtime/dispatch/decision';
import type { Dtype } from '../../../runtime/dispatch/facts';
import type { ArgRole } from '../values/attention-apis';
import type { Finding, TextEdit } from '../report';
import { textOf, type SyntaxNode } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { castEdits, isReference } from './edits';
import { createRule, onPath, perMode, type ModeView, type Rule, type RuleMeta } from './rule';

function provenance(view: ModeView, role: 'q' | 'k' | 'v'): string {
  const arg = view.observations[0]?.args[role];
  const name = arg?.node ? textOf(arg.node) : role;
  const d = view.facts.dtypes[role];
  return d.known ? `\`${name}\` is ${d.value} (${d.source})` : `\`${name}\`: depends on ${d.dependsOn}`;
}

/** q, k, v, each once per argument written: a packed qkv (or kv) is one argument for several roles. */
function roleArguments(view: ModeView): ('q' | 'k' | 'v')[] {
  const args = view.observations[0]?.args;
  return (['q', 'k', 'v'] as const).filter((r, i, all) => {
    const node = args?.[r]?.node;
    return !node || all.slice(0, i).every((o) => args?.[o]?.node !== node);
  });
}

/**
 * The dtype another finding at this call casts q to (dtype-mismatch, dtype-unsupported): a bias cast
 * follows it, so the fixes at one call agree rather than pull q and the bias opposite ways.
 */
function qCastTo(view: ModeView): Dtype | undefined {
  return view.decision.warnings.filter((w) => w.code !== 'bias-dtype').flatMap((w) => w.casts).find((c) => c.tensor === 'q')?.to;
}

/** The casts a warning asks for, a bias's retargeted to the dtype q is cast to at this call. */
function castsFor(view: ModeView, w: DtypeWarning): readonly Cast[] {
  const q = w.code === 'bias-dtype' ? qCastTo(view) : undefined;
  return q ? w.casts.map((c) => ({ ...c, to: q })).filter((c) => c.from !== c.to) : w.casts;
}

/**
 * An argument among v, k, q that already has the target dtype, is not cast and only names a value:
 * casting to its dtype (`.to(v.dtype)`) holds in every run, under float16 or bfloat16 autocast alike.
 */
function holderOf(view: ModeView, to: Dtype, cast: ReadonlySet<SyntaxNode>): SyntaxNode | undefined {
  return (['v', 'k', 'q'] as const).map((r) => ({ node: view.observations[0]?.args[r]?.node, d: view.facts.dtypes[r] }))
    .find(({ node, d }) => node && !cast.has(node) && d.known && d.value === to && isReference(node))?.node ?? undefined;
}

function fixFor(view: ModeView, casts: readonly Cast[]): Finding['fix'] {
  const nodes = new Map<SyntaxNode, Dtype>();
  for (const c of casts) {
    const role: ArgRole = c.tensor === 'bias' ? 'mask' : c.tensor;
    const node = view.observations[0]?.args[role]?.node;
    if (!node) return undefined;
    // A packed argument (flash-attn's qkv) stands for several roles: it is cast once.
    nodes.set(node, c.to);
  }
  const cast = new Set(nodes.keys());
  const edits: TextEdit[] = [];
  const roles: string[] = [];
  for (const [node, to] of nodes) {
    const holder = holderOf(view, to, cast);
    edits.push(...castEdits(node, holder ? `${textOf(holder)}.dtype` : `torch.${to}`));
    roles.push(holder ? `${textOf(node)} → ${textOf(holder)}.dtype (${to})` : `${textOf(node)} → ${to}`);
  }
  return edits.length > 0 ? { title: `Cast ${roles.join(', ')}`, edits } : undefined;
}

export function dtypeWarningRule(meta: RuleMeta): Rule {
  return createRule(meta, (ctx) => perMode(ctx, (view) => {
    const w = view.decision.warnings.find((x) => x.code === meta.code);
    if (!w) return null;
    const detail = meta.code === 'bias-dtype'
      ? `the bias is ${view.facts.mask.dtype?.known ? view.facts.mask.dtype.value : 'another dtype'}, q is ${view.facts.dtypes.q.known ? view.facts.dtypes.q.value : 'unknown'}`
      : roleArguments(view).map((r) => provenance(view, r)).join('; ');
    const arg = meta.code === 'bias-dtype' ? view.observations[0]?.args.mask?.node : view.observations[0]?.args.q?.node;
    const casts = castsFor(view, w);
    const fix = fixFor(view, casts);
    // The bias already has the dtype q gets from the other fix here: that fix settles this too.
    const settled = w.casts.length > 0 && casts.length === 0 ? `; casting q to ${qCastTo(view)} as the fix of this call's dtype error does makes them match` : '';
    // Raised by one kernel that may not be the one picked (the engine says so): a warning, with the condition.
    const condition = w.possible ? `, if ${w.possible}` : '';
    return {
      code: meta.code, severity: w.possible ? 'warning' : view.decision.outcome === 'raises' ? 'error' : meta.severity,
      message: `${ctx.site.apiText}: "${w.message}" — ${detail}${settled}${onPath(view)}${condition}`,
      span: arg ? spanOf(arg) : ctx.site.span, ...(fix ? { fix } : {}),
    };
  }));
}

