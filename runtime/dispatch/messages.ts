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

/** Tensor sizes (B, H, L, D) where known; `?` for an extent the code does not show. */
export type Sizes = readonly (number | null)[];

/** As c10 prints an IntArrayRef: `[2, 32, 128, 64]`. */
function sizes(s: Sizes): string {
  return `[${s.map((n) => n ?? '?').join(', ')}]`;
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
  /** The CPU's `select_sdp_backend_cpp` has two spaces (read at v2.6.0 and at main 02315a4). */
  noKernelCpu: 'No available kernel.  Aborting execution.',
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
  smRange: (kernel: 'Flash attention' | 'Mem Efficient Attention' | 'cuDNN MHA', low: number, high: number, sm: number) =>
    `${kernel} only supports gpu architectures in the range [sm${low}, sm${high}]. Attempting to run on a sm ${smDotted(sm)} gpu.`,
  causalNonSquare: (lq: number, lk: number) =>
    `Flash attention does not support the is_causal flag when seqlen_q != seqlen_k. Got seqlen_q: ${lq} seqlen_k: ${lk}. If you would like to use causal attention with non-square masks, please see CausalAttnMask.`,
  /** v2.9.1 names only [sm86, sm89], on sm120–121 too. */
  flashTraining: (p: number, d: number, sm: number) =>
    `Flash attention currently doesn't support training with head_dim ∈ (192, 224] or (head_dim ∈ (224, 256] and dropout > 0.0) on gpu architectures in the range[sm86, sm89].Attempting to run with dropout set to: ${p}and head_dim: ${d} on a sm ${smDotted(sm)} gpu.`,
  flashTrainingV1: (d: number, sm: number) =>
    `Flash attention currently doesn't support training with head_dim greater than 64 on gpu architectures in the range[sm86, sm89].Attempting to run with head_dim: ${d} on a sm ${smDotted(sm)} gpu.`,
  biasDtype: "invalid dtype for bias - should match query's dtype",
  /** `check_batch_size_and_num_heads_dense`: differing heads without grouped-query support; sizes as c10 prints them. */
  sameNumHeads: (q: Sizes, k: Sizes, v: Sizes) =>
    `For dense input, both fused kernels require query, key and value to have the same num_heads. Query.sizes(): ${sizes(q)}, Key sizes(): ${sizes(k)}, Value sizes(): ${sizes(v)} instead. To broadcast dense inputs, try using unsqueeze and expand_to before passing them into the kernel.`,
  /** `check_grouped_query_attention`: 2.5–2.7 name FlashAttentionV2; 2.8 reworded it (no space before "Got", as ATen has it). */
  gqaNotDivisible: (named: boolean, hq: number, hkv: number) =>
    `${named ? 'FlashAttentionV2 only supports grouped query attention, where the number of heads in key/value must divide number of heads in query.' : 'The number of heads in key/value must divide number of heads in query.'}Got input Key sizes(): ${hkv}, Value sizes(): ${hkv}, Query sizes(): ${hq} instead.`,
  /** `pre_process_group_query_attention_input` (math, enable_gqa=True): ATen's sentence ends there. */
  gqaMathNotDivisible: 'Number of heads in key and value must divide the number of heads in ',
  /** ATen's `infer_size`: the math kernel's q·kᵀ broadcasts the heads dim (dim 1 of the batch dims). */
  headsBroadcast: (hq: number, hkv: number) =>
    `The size of tensor a (${hq}) must match the size of tensor b (${hkv}) at non-singleton dimension 1`,
  /** Before 2.5 the keyword does not exist (Python's wording for an unknown keyword). */
  gqaKeyword: "scaled_dot_product_attention() got an unexpected keyword argument 'enable_gqa'",
  /** `check_attn_mask_shape` (cuDNN, and the CPU's flash kernel): ATen puts two spaces before each "x {KV_seq_len". */
  attnMaskShapes: 'Please use the following attn mask shapes: 2d - ({Q_seq_len, 1}  x {KV_seq_len, 1}); 4d - ({Batch, 1} x {Num_heads, 1} x {Q_seq_len, 1}  x {KV_seq_len, 1})',
  cudnnHeadDimMax: (limit: number) => `head_dim should be no more than ${limit}`,
  cudnnHeadDimMultiple: 'head_dim should be a multiple of 8',
  /** 2.5–2.6 (read at v2.6.0): a query or key/value of length 1. */
  cudnnSeqLenOne: 'cudnn SDPA does not support sequence length 1.',
  /** From v2.9.1 (and main 001f694a): only k/v of length 1 always; a query of length 1 with dropout. */
  cudnnKvSeqLenOne: 'cudnn SDPA does not support key/value sequence length 1.',
  cudnnQuerySeqLenOneDropout: 'cudnn SDPA does not support query sequence length 1 with dropout.',
  /** Prints the compile-time CUDNN_VERSION (9.12 → 91200); "droppout" is ATen's spelling. */
  cudnnDropoutVersion: (version: number) => `${version} cuDNN version does not support droppout in SDPA (9.11 - 9.13).`,
} as const;

/** Whether an error is SDPA's "no available kernel" raise, in the CUDA or the CPU wording. */
export function isNoKernel(error: string | undefined): boolean {
  return error === torch.noKernel || error === torch.noKernelCpu;
}

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

/**
 * transformers' messages: `_check_and_enable_flash_attn_2` and `_check_and_enable_sdpa` in
 * src/transformers/modeling_utils.py (huggingface/transformers commit 040ba146, the 4.48 line), and the
 * attention layers' `forward` from the 4.48 attention interface on (modeling_llama.py and the others).
 */
export const transformers = {
  /** transformers names the class it loads; for an Auto class that comes from the checkpoint. */
  fa2Dtype: (modelClass: string | null, d: Dtype) =>
    `Flash Attention 2.0 only supports torch.float16 and torch.bfloat16 dtypes, but the current dype in ${modelClass ?? '<model class>'} is ${pythonName(d)}.`,
  fa2NoDtype: 'You are attempting to use Flash Attention 2.0 without specifying a torch dtype. This might lead to unexpected behaviour',
  fa2NotInstalled: 'FlashAttention2 has been toggled on, but it cannot be used due to the following error: the package flash_attn seems to be not installed. '
    + 'Please refer to the documentation of https://huggingface.co/docs/transformers/perf_infer_gpu_one#flashattention-2 to install Flash Attention 2.',
  sdpaTorch: 'PyTorch SDPA requirements in Transformers are not met. Please install torch>=2.1.1.',
  sdpaOutputAttentions: '`torch.nn.functional.scaled_dot_product_attention` does not support `output_attentions=True`. Falling back to eager attention. '
    + 'This warning can be removed using the argument `attn_implementation="eager"` when loading the model.',
} as const;

/**
 * FlexAttention's Python checks (torch/nn/attention/flex_attention.py `flex_attention`, and
 * `_validate_sdpa_input` in torch/nn/attention/_utils.py), which print dtypes as Python does.
 */
export const flex = {
  sameDtype: (q: Dtype, k: Dtype, v: Dtype) =>
    `Expected query, key, and value to have the same dtype, but got query.dtype: ${pythonName(q)}, key.dtype: ${pythonName(k)}, and value.dtype: ${pythonName(v)} instead.`,
  rank: 'NYI: query, key, and value must be 4D tensors',
  heads: (hq: number, hkv: number) =>
    `Expect query and key/value to have the same number of heads but got Hq=${hq} and Hkv=${hkv}. Try setting enable_gqa=True for GQA.`,
  gqaDivide: (hq: number, hkv: number) =>
    `Expect number of query heads to be a multiple of kv heads for GQA but got Hq=${hq} and Hkv=${hkv}.`,
  /** The first paragraph of the warning an uncompiled call prints (the 2.9 source; the 2.6 source runs the same path silently). */
  eager: 'flex_attention called without torch.compile() - this will use an unfused implementation that materializes the full scores matrix instead of generating a fused kernel.',
} as const;

/** flash-attention 3: `mha_fwd` in hopper/flash_api.cpp (Dao-AILab/flash-attention 0251105a; last changed at bc0e4ac0, 2025-12). */
export const flashAttn3 = {
  gpu: 'FlashAttention only supports Ampere GPUs or newer.',
  dtype: 'FlashAttention only supports fp16, bf16, and fp8_e4m3 data type',
  keyDtype: 'query and key must have the same dtype',
  valueDtype: 'query and value must have the same dtype',
  notCuda: 'q must be on CUDA',
  headDim: 'FlashAttention forward only supports head dimension at most 256',
  heads: 'Number of heads in key/value must divide number of heads in query',
  headDimV: 'If V headdim is different from Q/K dim, we only support Q/K headdim in (128, 192] and V headdim in (96, 128], or (Q/K <= 64 and V <= 512).',
  headDimVGpu: 'Only Hopper supports different V headdim',
  alignment: (which: 'head_size' | 'head_size_v') => `${which} should be a multiple of 8`,
} as const;

/** flash-attention 4 (CuTe): `_flash_attn_fwd` in flash_attn/cute/interface.py at fa4-v4.0.0.beta27 (assertions). */
export const flashAttn4 = {
  dtype: 'inputs must be float16, bfloat16, fp8 e4m3fn, or fp8 e5m2',
  sameDtype: 'q, k, v, and qv must have the same dtype',
  notCuda: 'inputs must be on CUDA device',
  gpu: 'Unsupported compute capability. Supported: 8.x, 9.x, 10.x, 11.x, 12.x',
  heads: 'num_head must be divisible by num_head_kv',
  headDimSm90: (d: number, dv: number) =>
    `(head_dim, head_dim_v)=(${d}, ${dv}) is not supported on SM90. head_dim and head_dim_v must be between 8 and 256 and divisible by 8.`,
  headDimSm100: (d: number, dv: number) =>
    `(head_dim, head_dim_v)=(${d}, ${dv}) is not supported on SM100/SM110. head_dim and head_dim_v must be between 8 and 128 and divisible by 8, or (192, 128) for DeepSeek, or (256, 256) for hd256.`,
} as const;

/**
 * diffusers' messages: src/diffusers/models/attention_dispatch.py at huggingface/diffusers 58eb52c0 —
 * the backends' own raises (always made), and the `_check_*` constraints `dispatch_attention_fn` runs
 * only with `DIFFUSERS_ATTN_CHECKS=1`.
 */
export const diffusers = {
  flashMask: '`attn_mask` is not supported for flash-attn 2.',
  flash3Mask: '`attn_mask` is not supported for flash-attn 3.',
  nativeFlashMask: '`attn_mask` is not supported for native flash attention',
  xformersMaskRank: 'Only 2D and 4D attention masks are supported for xformers attention.',
  xformersGqa: 'Number of heads in query must be divisible by number of heads in key/value.',
  /** `_check_attn_mask_or_causal` (flex, xformers). */
  maskOrCausal: '`is_causal` cannot be True when `attn_mask` is not None.',
  /** `_check_device`'s dtype half: every modelled backend's first constraint, so it speaks before `_check_qkv_dtype_match`. */
  sameDtype: 'Query, key, and value must have the same dtype.',
  /** `_check_qkv_dtype_bf16_or_fp16` (flash, _flash_3, _native_flash, _native_cudnn and others). */
  lowDtype: 'Query, key, and value must be either bfloat16 or float16.',
  /** `_check_shape`, every backend's last constraint: q's and k's `shape[-1]`, k's and v's `shape[-3]`, the mask's `shape[-1]`. */
  headDims: 'Query and key must have the same head dimension.',
  kvLengths: 'Key and value must have the same sequence length.',
  maskLength: 'Attention mask must match the key\'s sequence length.',
  /**
   * `_check_attention_backend_requirements`, run where `attention_backend(…)` / `set_attention_backend(…)`
   * sets the backend (`_REQUIRED_FLASH_VERSION` 2.6.3, `_REQUIRED_XFORMERS_VERSION` 0.0.29, `_REQUIRED_FLEX_VERSION` 2.5.0).
   */
  flashRequirement: (backend: string) =>
    `Flash Attention backend '${backend}' is not usable because of missing package or the version is too old. Please install \`flash-attn>=2.6.3\`.`,
  xformersRequirement: (backend: string) =>
    `Xformers Attention backend '${backend}' is not usable because of missing package or the version is too old. Please install \`xformers>=0.0.29\`.`,
  flexRequirement: (backend: string) =>
    `Flex Attention backend '${backend}' is not usable because of missing package or the version is too old. Please install \`torch>=2.5.0\`.`,
  /**
   * A backend passed as `backend=` is not checked: without its package the module's name for the library
   * is None (`flash_attn_func = None`, `xops = None`), and Python raises where the backend uses it.
   */
  noneCalled: "TypeError: 'NoneType' object is not callable",
  noneAttribute: (attribute: string) => `AttributeError: 'NoneType' object has no attribute '${attribute}'`,
} as const;
