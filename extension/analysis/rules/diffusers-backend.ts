/**
 * diffusers-backend: what diffusers' `dispatch_attention_fn` does with the backend it runs, in
 * diffusers' own words (attention_dispatch.py at diffusers 58eb52c0): the backend's package is missing
 * where `attention_backend(…)` / `set_attention_backend(…)` sets it, or where `backend=` skipped that
 * check (error); the backend function raises (error); it drops dropout_p, or the xformers backend drops the mask for is_causal (warning); its
 * constraints would raise with `DIFFUSERS_ATTN_CHECKS=1` (information); the backend is not modelled, so
 * the call is not judged (information).
 */
import { BACKEND_RAISES, CHECKS_NOTE, DIFFUSERS_SOURCE, DROPPED_NOTE, IGNORED_MASK_NOTE, isMissingPackageError, isRequirementError, UNMODELLED_NOTE } from '../../../runtime/dispatch/rules/diffusers';
import { spanOf } from '../syntax/positions';
import type { Finding } from '../report';
import { createRule, onPath, pathPhrase, perMode, type ModeView } from './rule';

/** `diffusers backend "flash" (backend=AttentionBackendName.FLASH)`. */
function backendText(view: ModeView): string {
  const b = view.facts.diffusers?.backend;
  return b?.known ? `diffusers backend "${b.value}" (${b.source})` : 'the diffusers backend';
}

function finding(view: ModeView): Omit<Finding, 'mode' | 'span'> & { onMask?: true } | null {
  const d = view.decision;
  const backend = backendText(view);
  if (d.outcome === 'raises' && d.error && isRequirementError(d.error)) {
    return { code: 'diffusers-backend', severity: 'error', message: `diffusers raises "${d.error}" where it sets the backend, before \`dispatch_attention_fn\` runs${pathPhrase(view)}: ${backend}, ${DIFFUSERS_SOURCE}${onPath(view)}` };
  }
  if (d.outcome === 'raises' && d.error && isMissingPackageError(d.error)) {
    return { code: 'diffusers-backend', severity: 'error', message: `\`dispatch_attention_fn\` raises "${d.error}"${pathPhrase(view)}: ${backend} uses its library by a name diffusers sets to None when the package is missing, and a backend passed as backend= is not checked for it (${DIFFUSERS_SOURCE})${onPath(view)}` };
  }
  if (d.outcome === 'raises' && d.error && BACKEND_RAISES.includes(d.error)) {
    return { code: 'diffusers-backend', severity: 'error', ...(d.error.includes('mask') ? { onMask: true as const } : {}), message: `\`dispatch_attention_fn\` raises "${d.error}"${pathPhrase(view)}: ${backend}, ${DIFFUSERS_SOURCE}${onPath(view)}` };
  }
  const dropped = d.notes.find((n) => n.includes(DROPPED_NOTE));
  if (dropped) return { code: 'diffusers-backend', severity: 'warning', message: `${dropped}${pathPhrase(view)}${onPath(view)}` };
  const check = d.notes.find((n) => n.startsWith(CHECKS_NOTE));
  if (check) {
    const ignored = d.notes.includes(IGNORED_MASK_NOTE) ? `; ${IGNORED_MASK_NOTE}` : '';
    return { code: 'diffusers-backend', severity: ignored ? 'warning' : 'information', message: `${backend}: ${check} (its constraints, off by default; ${DIFFUSERS_SOURCE})${ignored}${onPath(view)}` };
  }
  const unmodelled = d.notes.find((n) => n.includes(UNMODELLED_NOTE));
  return unmodelled ? { code: 'diffusers-backend', severity: 'information', message: unmodelled } : null;
}

export default createRule(
  { code: 'diffusers-backend', severity: 'error', description: 'a diffusers attention backend raises, drops an argument, would raise with DIFFUSERS_ATTN_CHECKS=1, or is not modelled' },
  (ctx) => (ctx.site.api !== 'dispatch_attention_fn' ? [] : perMode(ctx, (view) => {
    const found = finding(view);
    if (!found) return null;
    const { onMask, ...rest } = found;
    const mask = onMask ? view.observations[0]?.args.mask?.node : undefined;
    return { ...rest, span: mask ? spanOf(mask) : ctx.site.span };
  })),
);
