/**
 * Dtype names as each library prints them, so messages match what users see and search for.
 * ATen's C++ messages print a tensor's dtype as a C++ type (`float`, `c10::Half`) and a list of
 * allowed dtypes as ScalarType names (`Half`, `Float`); Python code prints `torch.float16`.
 */
import type { Dtype } from './facts';

const CPP: Record<Dtype, string> = { float16: 'c10::Half', bfloat16: 'c10::BFloat16', float32: 'float', float64: 'double' };
const SCALAR: Record<Dtype, string> = { float16: 'Half', bfloat16: 'BFloat16', float32: 'Float', float64: 'Double' };

/** How `tensor.dtype()` prints in ATen's TORCH_CHECK messages. */
export function cppName(d: Dtype): string {
  return CPP[d];
}

/** How `c10::ScalarType` prints in ATen's lists of allowed dtypes. */
export function scalarName(d: Dtype): string {
  return SCALAR[d];
}

/** How Python prints a dtype. */
export function pythonName(d: Dtype): string {
  return `torch.${d}`;
}
