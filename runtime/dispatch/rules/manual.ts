/**
 * Hand-written softmax(q·kᵀ)·v: always the math path. The note says what
 * `F.scaled_dot_product_attention` would run for the same call, the reason to switch.
 */
import type { CallContext } from '../context';
import type { Decision } from '../decision';
import type { Policy } from '../engine';

/** `sdpa` answers the same call through SDPA's policy (passed in to keep the rules free of cycles). */
export function manual(sdpa: (c: CallContext) => Decision): Policy {
  return {
    id: 'manual',
    autocastAware: true,
    validation: [],
    backends: [{ backend: 'manual.math', conditions: [] }],
    warnings: () => [],
    notes: (c) => [sdpaWouldRun(sdpa(c))],
  };
}

function sdpaWouldRun(d: Decision): string {
  const prefix = 'F.scaled_dot_product_attention';
  if (d.outcome === 'raises') return `${prefix} would raise here: ${d.error ?? ''}`;
  if (d.outcome === 'depends') {
    // The call itself is decided (the math path); only which kernel SDPA would pick is open.
    const open = (d.verdicts.find((v) => v.status === 'depends')?.reasons[0] ?? 'unknown facts').replace(/^depends on /, '');
    return `${prefix} would run ${d.backend ?? 'a kernel'} at best here; which kernel it takes hinges on ${open}`;
  }
  if (d.backend === 'sdpa.math') return `${prefix} would also run its math kernel here`;
  return `${prefix} would run the fused ${d.backend} kernel here, without materialising the score matrix`;
}
