/**
 * The head sizes the rules compare a call's head size against, each named once: the rules test with
 * these, and the analysis decides a call whose head size the files leave open once per range they
 * separate (extension/analysis/reporting/head-size-cases.ts). A rule of a policy in
 * `HEAD_DIM_BOUNDED` that compares the head size with another number adds it here.
 */
import type { PolicyId } from './decision';

/** FlashAttention 2: SDPA's flash kernel from torch 2.2, flash-attn, flash-attn 3, xformers' flash and cutlass operators. */
export const FLASH_MAX_HEAD_DIM = 256;
/** FlashAttention 1 (SDPA's flash kernel in torch 2.0 and 2.1): a multiple of 8, at most 128. */
export const FLASH_V1_MAX_HEAD_DIM = 128;
export const FLASH_V1_HEAD_DIM_MULTIPLE = 8;
/** Training on consumer GPUs: FlashAttention 1's backward takes head sizes up to 64; 2's up to 192, and above 224 without dropout. */
export const FLASH_V1_CONSUMER_TRAINING_MAX = 64;
export const FLASH_CONSUMER_TRAINING_MAX = 192;
export const FLASH_CONSUMER_TRAINING_DROPOUT_MAX = 224;
/** SDPA's memory-efficient kernel: tensor cores need rows of this many bits (ATen's `minimum_gemm_alignment`); from sm80 a multiple of 4 at least. */
export const GEMM_ROW_BITS = 128;
export const SM80_GEMM_ALIGNMENT = 4;
/** SDPA's cuDNN kernel: a multiple of 8, at most 128; 256 on the GPU and cuDNN versions that take it (sm90, cuDNN 9.10+, from 2.7). */
export const CUDNN_MAX_HEAD_DIM = 128;
export const CUDNN_D256_MAX_HEAD_DIM = 256;
export const CUDNN_HEAD_DIM_MULTIPLE = 8;
/** flash-attn 3: head sizes a multiple of 8. */
export const FLASH_ATTN_3_HEAD_DIM_MULTIPLE = 8;

export interface HeadDimBounds {
  /** Limits `d ≤ n`: a rule's answer may change between n and n + 1. */
  readonly atMost: readonly number[];
  /** Sizes a rule takes alone (`d === n`): none since main's cuDNN backward check gave way to v2.9.1's rules. */
  readonly exactly: readonly number[];
  /** Alignments `d % n === 0`. */
  readonly multipleOf: readonly number[];
}

const sortedUnique = (values: readonly number[]): number[] => [...new Set(values)].sort((a, b) => a - b);

/**
 * Every bound the policies in `HEAD_DIM_BOUNDED` test a head size shared by q, k and v against
 * (pairs of different q/k and v head sizes, flash-attn 3's and cuDNN's (192, 128), are not here).
 */
export const HEAD_DIM_BOUNDS: HeadDimBounds = {
  atMost: sortedUnique([FLASH_MAX_HEAD_DIM, FLASH_V1_MAX_HEAD_DIM, FLASH_V1_CONSUMER_TRAINING_MAX, FLASH_CONSUMER_TRAINING_MAX,
    FLASH_CONSUMER_TRAINING_DROPOUT_MAX, CUDNN_MAX_HEAD_DIM, CUDNN_D256_MAX_HEAD_DIM]),
  exactly: [],
  multipleOf: sortedUnique([GEMM_ROW_BITS / 32, GEMM_ROW_BITS / 16, SM80_GEMM_ALIGNMENT, FLASH_V1_HEAD_DIM_MULTIPLE,
    CUDNN_HEAD_DIM_MULTIPLE, FLASH_ATTN_3_HEAD_DIM_MULTIPLE]),
};

/**
 * Of the policies in `HEAD_DIM_BOUNDED`, those that take some pairs of different q/k and v head
 * sizes by bounds not in `HEAD_DIM_BOUNDS`, where v's is a whole multiple of q's (cuDNN's
 * (192, 128) is no such pair).
 */
export const HEAD_DIM_PAIRS_UNLISTED: ReadonlySet<PolicyId> = new Set<PolicyId>(['flash-attn-3']);

/**
 * The policies whose head-size conditions use only `HEAD_DIM_BOUNDS` (the web runtime's limits come
 * from the adapter; flash-attn 4 has its own table of sizes).
 */
export const HEAD_DIM_BOUNDED: ReadonlySet<PolicyId> = new Set<PolicyId>([
  'sdpa-cuda', 'sdpa-cpu', 'flash-attn', 'flash-attn-3', 'xformers', 'multihead-attention', 'manual', 'transformers', 'diffusers', 'flex-attention',
]);
