/**
 * The dtype problems the dispatch policy reports (`Decision.warnings`), turned into findings that
 * name the variables, say where each dtype came from, and offer the casts as edits.
 * Shared by the dtype-mismatch, dtype-unsupported and bias-dtype rules.
 */
import type { DtypeWarning } from '../../../runtime/dispatch/decision';
import type { ArgRole } from '../values/attention-apis';
import type { Finding, TextEdit } from '../report';
import { textOf } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { castEdits } from './edits';
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

function fixFor(view: ModeView, w: DtypeWarning): Finding['fix'] {
  const edits: TextEdit[] = [];
  const roles: string[] = [];
  const cast = new Set<object>();
  for (const c of w.casts) {
    const role: ArgRole = c.tensor === 'bias' ? 'mask' : c.tensor;
    const node = view.observations[0]?.args[role]?.node;
    if (!node) return undefined;
    // A packed argument (flash-attn's qkv) stands for several roles: it is cast once.
    if (cast.has(node)) continue;
    cast.add(node);
    edits.push(...castEdits(node, c.to));
    roles.push(`${textOf(node)} → ${c.to}`);
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
    const fix = fixFor(view, w);
    // Raised by one kernel that may not be the one picked (the engine says so): a warning, with the condition.
    const condition = w.possible ? `, if ${w.possible}` : '';
    return {
      code: meta.code, severity: w.possible ? 'warning' : view.decision.outcome === 'raises' ? 'error' : meta.severity,
      message: `${ctx.site.apiText}: "${w.message}" — ${detail}${onPath(view)}${condition}`,
      span: arg ? spanOf(arg) : ctx.site.span, ...(fix ? { fix } : {}),
    };
  }));
}

