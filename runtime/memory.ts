/** Memory estimates for a kernel configuration, and the refusal when it would not fit. */
import type { KernelConfig, KernelId } from '../kernels/kernel';
import type { ProviderInfo } from './providers/provider';

const MiB = 2 ** 20;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

export interface MemoryEstimate {
  /** The largest single buffer and what it is. */
  readonly largest: { readonly what: string; readonly bytes: number };
  /** Inputs, output and (math) scores and probabilities together. */
  readonly totalBytes: number;
}

export function estimateMemory(kernel: KernelId, c: KernelConfig): MemoryEstimate {
  const s = c.shape;
  const size = c.dtype === 'float16' ? 2 : 4;
  const buffers: [string, number][] = [
    ['q', s.batch * s.heads * s.seqQ * s.headDim * size],
    ['k', s.batch * s.kvHeads * s.seqKv * s.headDim * size],
    ['v', s.batch * s.kvHeads * s.seqKv * s.headDimV * size],
    ['output', s.batch * s.heads * s.seqQ * s.headDimV * size],
  ];
  if (c.mask.kind !== 'none') buffers.push(['mask', c.mask.batch * c.mask.heads * s.seqQ * s.seqKv * (c.mask.kind === 'bool' ? 1 : size)]);
  if (kernel === 'math') {
    const scores = s.batch * s.heads * s.seqQ * s.seqKv * size;
    buffers.push([`scores (B·H·Lq·Lk = ${s.batch}·${s.heads}·${s.seqQ}·${s.seqKv})`, scores], ['probabilities', scores]);
  }
  const [what, bytes] = buffers.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { largest: { what, bytes }, totalBytes: buffers.reduce((sum, [, b]) => sum + b, 0) };
}

/** Why the configuration would not fit on this provider, with the sizes, or null. */
export function memoryRefusal(kernel: KernelId, c: KernelConfig, info: ProviderInfo): string | null {
  const m = estimateMemory(kernel, c);
  if (m.largest.bytes > info.maxBufferBytes) {
    return `${kernel} would need a ${mib(m.largest.bytes)} buffer for its ${m.largest.what}; ${info.name} allows at most ${mib(info.maxBufferBytes)} per buffer`;
  }
  if (m.totalBytes > info.maxTotalBytes) {
    return `${kernel} would need ${mib(m.totalBytes)} in all; ${info.name} has at most ${mib(info.maxTotalBytes)}`;
  }
  return null;
}
