/**
 * no-available-kernel: SDPA's backend switches leave no kernel that accepts the call, so PyTorch
 * raises "No available kernel. Aborting execution." (after warning why each enabled one was not used).
 */
import { backendName } from '../../../runtime/dispatch/describe';
import { joinWords } from '../../../runtime/dispatch/check';
import { SDPA_BACKENDS, type SdpaBackend, type SdpaSwitches } from '../../../runtime/dispatch/facts';
import { isNoKernel } from '../../../runtime/dispatch/messages';
import { SWITCHED_OFF } from '../../../runtime/dispatch/rules/sdpa-switches';
import { createRule, onPath, pathPhrase, perMode } from './rule';

export default createRule(
  { code: 'no-available-kernel', severity: 'error', description: 'SDPA backend switches leave no kernel that accepts the call: PyTorch raises' },
  (ctx) => perMode(ctx, (view) => {
    const d = view.decision;
    if (d.outcome !== 'raises' || !isNoKernel(d.error)) return null;
    const refusals = d.verdicts.filter((v) => v.short !== SWITCHED_OFF).map((v) => `${backendName(v.backend)} refuses it (${v.reasons[0] ?? 'rejected'})`);
    const parts = [...refusals, ...switchedOffBy(view.facts.sdpaBackends)];
    return {
      code: 'no-available-kernel', severity: 'error', span: ctx.site.span,
      message: `\`${ctx.site.apiText}\` raises "${d.error}"${pathPhrase(view)}: ${joinWords(parts)}${onPath(view)}`,
    };
  }),
);

/** "`sdpa_kernel(SDPBackend.FLASH_ATTENTION)` at train.py:14 switches off efficient, math and cudnn", one per switch. */
function switchedOffBy(switches: SdpaSwitches | undefined): string[] {
  const bySource = new Map<string, SdpaBackend[]>();
  for (const b of SDPA_BACKENDS) {
    const on = switches?.enabled[b];
    if (on?.known && !on.value) bySource.set(on.source, [...bySource.get(on.source) ?? [], b]);
  }
  return [...bySource].map(([source, backends]) => `${source} switches off ${joinWords(backends)}`);
}
