/** Short human-readable descriptions of kernel configurations, for messages and reports. */
import type { KernelConfig } from '../kernels/kernel';

/** e.g. "B1 H4/2 Lq1 Lk64 D16 float32, float mask [1,4], causal". */
export function describeConfig(c: KernelConfig): string {
  const s = c.shape;
  const heads = s.kvHeads === s.heads ? `H${s.heads}` : `H${s.heads}/${s.kvHeads}`;
  const dv = s.headDimV === s.headDim ? '' : ` Dv${s.headDimV}`;
  const mask = c.mask.kind === 'none' ? '' : `, ${c.mask.kind} mask [${c.mask.batch},${c.mask.heads}]`;
  return `B${s.batch} ${heads} Lq${s.seqQ} Lk${s.seqKv} D${s.headDim}${dv} ${c.dtype}${mask}${c.causal ? ', causal' : ''}`;
}
