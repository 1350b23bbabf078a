/**
 * Short text for a Decision, for code lenses and `attnlens check` lines:
 * "flash", "efficient (flash off: attn_mask is not None)", "raises: FlashAttention only support…".
 */
import type { BackendId, Decision } from './decision';

/** "sdpa.flash" → "flash", "xformers.cutlass" → "cutlass". */
export function backendName(id: BackendId): string {
  return id.slice(id.indexOf('.') + 1);
}

const MAX_ERROR = 80;

export function describeDecision(d: Decision): string {
  if (d.outcome === 'raises') return `raises: ${firstLine(d.error ?? 'an error')}`;
  if (d.outcome === 'depends') {
    const why = d.verdicts.find((v) => v.status === 'depends')?.reasons[0] ?? 'depends on unknown facts';
    return d.backend ? `${backendName(d.backend)}? (${why})` : why;
  }
  const chosen = d.verdicts.findIndex((v) => v.backend === d.backend);
  const preferred = d.verdicts[0];
  const name = backendName(d.backend ?? '');
  if (chosen <= 0 || preferred.status !== 'rejected') return name;
  return `${name} (${backendName(preferred.backend)} off: ${preferred.short ?? firstLine(preferred.reasons[0] ?? '')})`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > MAX_ERROR ? `${line.slice(0, MAX_ERROR - 1)}…` : line;
}
