/**
 * The libraries' own messages (RULES.md, checked against their sources), verbatim so users can
 * search for them. Where a message interpolates values, a function fills them in as the library does.
 */
import type { Dtype, SdpaBackend } from './facts';
import { cppName, pythonName, scalarName } from './torch-names';

/** GPU compute capability as ATen prints it: 86 → "8.6", 120 → "12.0". */
function smDotted(sm: number): string {
  return `${Math.floor(sm / 10)}.${sm % 10}`;
}

function headDims(q: number, k: number, v: number): string {
  return `Got Query.size(-1): ${q}, Key.size(-1): ${k}, Value.size(-1): ${v} instead.`;
}

const RUNTIME_DISABLED: Record<SdpaBackend, string> = {
  flash: 'Flash attention has been runtime disabled.',
  efficient: 'Memory Efficient attention has been runtime disabled.',
  cudnn: 'cuDNN attention has been runtime disabled.',
  math: 'The math kernel has been disabled.',
};

export const torch = {
  sameDtype: (q: Dtype, k: Dtype, v: Dtype) =>
    `Expected query, key, and value to have the same dtype, but got query.dtype: ${cppName(q)} key.dtype: ${cppName(k)} and value.dtype: ${cppName(v)} instead.`,
  // ATen prints two spaces before "query.dtype" here.
  maskDtype: (mask: Dtype, q: Dtype) =>
    `Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${cppName(mask)} and  query.dtype: ${cppName(q)} instead.`,
  maskWithCausal: '_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True',
  noKernel: 'No available kernel. Aborting execution.',
  /** ATen warns this for a backend a switch turned off; it has no message for math, so that one is ours. */
  runtimeDisabled: (backend: SdpaBackend) => RUNTIME_DISABLED[backend],
  flashMask: 'Flash Attention does not support non-null attn_mask.',
  fusedMask: 'Both fused kernels do not support non-null attn_mask.',
  fusedDropout: 'Both fused kernels do not support non-zero dropout.',
  /** `check_tensor_shapes`, a warning PyTorch prints only when a fused kernel was forced (2.0/2.1 say "Both fused kernels"). */
  fusedRank: (both: boolean, q: number, k: number, v: number) =>
    `${both ? 'Both' : 'All'} fused kernels requires query, key and value to be 4 dimensional, but got Query dim: ${q}, Key dim: ${k}, Value dim: ${v} instead.`,
  efficientDropout: (p: number) => `Mem_efficient does not support non_zero dropout. Dropout_p: ${p}`,
  dtypes: (allowed: readonly Dtype[], q: Dtype, k: Dtype, v: Dtype) =>
    `Expected query, key and value to all be of dtype: {${allowed.map(scalarName).join(', ')}}. Got Query dtype: ${cppName(q)}, Key dtype: ${cppName(k)}, and Value dtype: ${cppName(v)} instead.`,
  flashHeadDim: (q: number, k: number, v: number) =>
    `Flash attention requires q,k,v to have the same last dimension and to be less than or equal to 256. ${headDims(q, k, v)}`,
  flashHeadDimV1: (q: number, k: number, v: number) =>
    `Flash attention requires q,k,v to have the same last dimension and to be a multiple of 8 and less than or equal to 128. ${headDims(q, k, v)}`,
  flashHeadDimCpu: (q: number, k: number, v: number) =>
    `Flash attention requires q,k,v to have the same last dimension. ${headDims(q, k, v)}`,
  efficientHeadDim: (alignment: number, q: number, k: number, v: number) =>
    `Mem efficient attention requires last dimension of inputs to be divisible by ${alignment}. ${headDims(q, k, v)}`,
  smRange: (kernel: 'Flash attention' | 'Mem Efficient Attention', low: number, high: number, sm: number) =>
    `${kernel} only supports gpu architectures in the range [sm${low}, sm${high}]. Attempting to run on a sm ${smDotted(sm)} gpu.`,
  causalNonSquare: (lq: number, lk: number) =>
    `Flash attention does not support the is_causal flag when seqlen_q != seqlen_k. Got seqlen_q: ${lq} seqlen_k: ${lk}. If you would like to use causal attention with non-square masks, please see CausalAttnMask.`,
  flashTraining: (low: number, high: number, p: number, d: number, sm: number) =>
    `Flash attention currently doesn't support training with head_dim ∈ (192, 224] or (head_dim ∈ (224, 256] and dropout > 0.0) on gpu architectures in the range[sm${low}, sm${high}].Attempting to run with dropout set to: ${p}and head_dim: ${d} on a sm ${smDotted(sm)} gpu.`,
  flashTrainingV1: (d: number, sm: number) =>
    `Flash attention currently doesn't support training with head_dim greater than 64 on gpu architectures in the range[sm86, sm89].Attempting to run with head_dim: ${d} on a sm ${smDotted(sm)} gpu.`,
  biasDtype: "invalid dtype for bias - should match query's dtype",
  cudnnHeadDimMax: (limit: number) => `head_dim should be no more than ${limit}`,
  cudnnHeadDimMultiple: 'head_dim should be a multiple of 8',
  cudnnSeqLenOne: 'cudnn SDPA does not support sequence length 1.',
} as const;

export const flashAttn = {
  notInstalled: "ModuleNotFoundError: No module named 'flash_attn'",
  notCuda: 'q must be on CUDA',
  gpu: 'FlashAttention only supports Ampere GPUs or newer.',
  dtype: 'FlashAttention only support fp16 and bf16 data type',
  keyDtype: 'query and key must have the same dtype',
  valueDtype: 'query and value must have the same dtype',
  headDim: 'FlashAttention forward only supports head dimension at most 256',
} as const;

export const xformers = {
  notInstalled: "ModuleNotFoundError: No module named 'xformers'",
  sameDtype: (q: Dtype, k: Dtype, v: Dtype) =>
    'Query/Key/Value should either all have the same dtype, or (in the quantized case) Key/Value should have dtype torch.int32' +
    `\n  query.dtype: ${pythonName(q)}\n  key.dtype  : ${pythonName(k)}\n  value.dtype: ${pythonName(v)}`,
  biasShape: (got: readonly (number | null)[], expected: readonly number[]) =>
    `Invalid shape for attention bias: torch.Size([${got.map((n) => n ?? '?').join(', ')}]) (expected (${expected.join(', ')}))`,
  incompatibleShapes:
    "Incompatible shapes for attention inputs: HINT: We don't support broadcasting, please use `expand` yourself before calling `memory_efficient_attention` if you need to",
  noOperator: 'No operator found for `memory_efficient_attention_forward`',
  device: (device: string) => `device=${device} (supported: {'cuda'})`,
  dtype: (d: Dtype, supported: readonly Dtype[]) => `dtype=${pythonName(d)} (supported: {${supported.map(pythonName).join(', ')}})`,
  capability: (need: string, sm: number) =>
    `requires device with capability ${need} but your GPU has capability (${Math.floor(sm / 10)}, ${sm % 10}) (too old)`,
  headDim: (max: number) => `max(query.shape[-1], value.shape[-1]) > ${max}`,
  tensorBias: "attn_bias type is <class 'torch.Tensor'>",
  dropout: 'dropout > 0.0',
  bf16: 'bf16 is only supported on A100+ GPUs',
  biasAlignment: (alignment: number) =>
    `attn_bias.stride(-2) % ${alignment} != 0 ` +
    '(for a contiguous bias, stride(-2) is the key length) ' +
    'HINT: To use an `attn_bias` with a sequence length that is not a multiple of 8, you need to ensure memory is aligned by slicing a bigger tensor. ' +
    'Example: use `attn_bias = torch.zeros([1, 1, 5, 8])[:,:,:,:5]` instead of `torch.zeros([1, 1, 5, 5])`',
  biasDtype: "invalid dtype for bias - should match query's dtype",
} as const;
