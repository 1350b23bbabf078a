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
    const why = d.verdicts.find((v) => v.status === 'depends')?.reasons[0] ?? 'depends on unknown facts';
    return `${prefix} would run ${d.backend ?? 'a kernel'} if the call reaches it; that ${why}`;
  }
  if (d.backend === 'sdpa.math') return `${prefix} would also run its math kernel here`;
  return `${prefix} would run the fused ${d.backend} kernel here, without materialising the score matrix`;
}
