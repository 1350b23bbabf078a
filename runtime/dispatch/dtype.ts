/** Dtype names and PyTorch's type promotion between floating dtypes. */
import type { Dtype } from './facts';

/** Bits per element; bfloat16 and float16 tie at 16 and promote to float32 together. */
const BITS: Record<Dtype, number> = { float16: 16, bfloat16: 16, float32: 32, float64: 64 };

/** PyTorch's aliases (`torch.half`, `torch.float`, …) mapped to canonical names. */
const ALIASES: Record<string, Dtype> = {
  float16: 'float16', half: 'float16',
  bfloat16: 'bfloat16',
  float32: 'float32', float: 'float32',
  float64: 'float64', double: 'float64',
};

/** `torch.float16`, `float16`, `torch.half` → `float16`; anything else → undefined. */
export function parseDtype(text: string): Dtype | undefined {
  const name = text.startsWith('torch.') ? text.slice('torch.'.length) : text;
  return Object.prototype.hasOwnProperty.call(ALIASES, name) ? ALIASES[name] : undefined;
}

/**
 * Result dtype of a binary op on two floating tensors (torch.result_type): the wider one;
 * float16 with bfloat16 gives float32, since neither holds the other.
 */
export function promote(a: Dtype, b: Dtype): Dtype {
  if (a === b) return a;
  if (BITS[a] === BITS[b]) return 'float32';
  return BITS[a] > BITS[b] ? a : b;
}

/** Short names for compact annotations: fp16, bf16, fp32, fp64. */
export function shortName(d: Dtype): string {
  return { float16: 'fp16', bfloat16: 'bf16', float32: 'fp32', float64: 'fp64' }[d];
}
