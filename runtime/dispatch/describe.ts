/**
 * Short text for a Decision, for code lenses and `attnlens check` lines:
 * "flash", "efficient (flash off: attn_mask is not None)", "raises: FlashAttention only support…".
 */
import { distinctClauses, joinWords } from './check';
import type { BackendId, Decision, Verdict } from './decision';
import { SDPA_BACKENDS, type SdpaSwitches } from './facts';

/** "sdpa.flash" → "flash", "xformers.cutlass" → "cutlass". */
export function backendName(id: BackendId): string {
  return id.slice(id.indexOf('.') + 1);
}

const MAX_ERROR = 80;

export function describeDecision(d: Decision, everyUnknown = false): string {
  if (d.outcome === 'raises') return `raises: ${firstLine(errorHeadline(d.error ?? 'an error'))}`;
  if (d.outcome === 'depends') {
    const first = d.verdicts.find((v) => v.status === 'depends')?.reasons[0] ?? 'depends on unknown facts';
    // The text format names every unknown any backend waits on (as the JSON lists them), each once; a lens the first.
    const unknowns = everyUnknown ? distinctClauses(d.verdicts.flatMap((v) => (v.status === 'depends' ? v.unknowns ?? [] : []))) : [];
    const why = unknowns.length > 0 ? `depends on ${joinWords(unknowns)}` : first;
    return d.backend ? `${backendName(d.backend)}? (${why})` : why;
  }
  const chosen = d.verdicts.findIndex((v) => v.backend === d.backend);
  const preferred = d.verdicts[0];
  const name = backendName(d.backend ?? '');
  if (chosen <= 0 || preferred.status !== 'rejected') return name;
  return `${name} (${backendName(preferred.backend)} off: ${offReason(preferred)})`;
}

/** Why a rejected backend is off, in the few words a lens gives it. */
export function offReason(v: Verdict): string {
  return v.short ?? firstLine(v.reasons[0] ?? '');
}

/** An error's first line, without the words that introduce the lines after it (xformers' "… with inputs:"). */
export function errorHeadline(error: string): string {
  const [line = '', ...rest] = error.split('\n');
  return rest.length > 0 ? line.replace(/( with inputs)?:\s*$/, '') : line;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > MAX_ERROR ? `${line.slice(0, MAX_ERROR - 1)}…` : line;
}

/**
 * SDPA's switches in one line, grouped by the switch that set them:
 * "flash on; cudnn, efficient and math off (`sdpa_kernel(SDPBackend.FLASH_ATTENTION)` at train.py:14)".
 */
export function describeSwitches(s: SdpaSwitches): string {
  const groups = new Map<string, { on: string[]; off: string[]; unknown: string[] }>();
  for (const b of SDPA_BACKENDS) {
    const f = s.enabled[b];
    if (!f) continue;
    const key = f.known ? f.source : `depends on ${f.dependsOn}`;
    const group = groups.get(key) ?? { on: [], off: [], unknown: [] };
    (f.known ? (f.value ? group.on : group.off) : group.unknown).push(b);
    groups.set(key, group);
  }
  const parts = [...groups].map(([why, g]) => {
    const states = [[g.on, 'on'], [g.off, 'off'], [g.unknown, 'on?']] as const;
    return `${states.filter(([list]) => list.length > 0).map(([list, word]) => `${joinWords(list)} ${word}`).join('; ')} (${why})`;
  });
  const order = s.priority;
  if (order) parts.push(order.known ? `tried in the order ${order.value.join(' → ')} (${order.source})` : `order depends on ${order.dependsOn}`);
  return parts.join('; ');
}
