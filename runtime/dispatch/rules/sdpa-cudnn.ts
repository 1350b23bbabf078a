/**
 * SDPA's cuDNN kernel on CUDA: when it is tried first, and what it takes, per release read:
 * v2.9.1's aten/src/ATen/native/transformers/cuda/sdp_utils.cpp (Ubuntu's pytorch_2.9.1+dfsg.orig.tar.xz:
 * `check_prefer_cudnn_attention`, `can_use_cudnn_attention`, `check_cudnn_tensor_shapes`), taken for
 * 2.7–2.10 (`CUDNN_CHECKS_2_9`); v2.6.0's (Debian's pytorch_2.6.0+dfsg.orig.tar.xz) for 2.5–2.6
 * (`CUDNN_CHECKS_2_6`; docs/dispatch.md, "Which PyTorch releases were read").
 * cuDNN versions are [major, minor]: where a limit falls inside a minor release (9.11.0 < v), the
 * patch decides and the answer depends on it.
 */
import { dependsOn, need, OK, rejected, type Check, type Condition } from '../check';
import { torchAtLeast, type CallContext } from '../context';
import type { Fact } from '../facts';
import { torch } from '../messages';
import { CUDNN_D256_MAX_HEAD_DIM, CUDNN_HEAD_DIM_MULTIPLE, CUDNN_MAX_HEAD_DIM } from '../head-dims';
import { attnMaskShape, dtypeIn, fourDimensional, headDimShort } from './sdpa-shared';
import { CUDA_VERIFIED, fusedHeads, type GqaSupport } from './sdpa-heads';
import { switchedOn } from './sdpa-switches';

type Version = readonly [number, number];

const cudnnVersion = (c: CallContext): Fact<Version> =>
  c.env.cudnn ?? { known: false, dependsOn: 'the cuDNN version' };

const atLeast = ([a, b]: Version, [major, minor]: Version): boolean => a > major || (a === major && b >= minor);
const shown = (c: CallContext): string => (c.env.cudnn?.known ? c.env.cudnn.value.join('.') : '?');

/** Whether the runtime cuDNN is newer than `major.minor.0`: for `major.minor` itself its patch decides. */
function newerThan(c: CallContext, [major, minor]: Version, then: (newer: boolean) => Check): Check {
  return need([cudnnVersion(c)], ([a, b]) => a !== major || b !== minor ? then(a > major || (a === major && b > minor))
    : dependsOn([`the cuDNN patch version (newer than ${major}.${minor}.0?)`]));
}

/**
 * v2.9.1's `check_prefer_cudnn_attention`: sm90 and sm100 (major 9 or 10, minor 0) when built with
 * cuDNN 9.9.0 or newer (the compile-time `CUDNN_VERSION`: the settings' cuDNN version stands for it, as
 * PyTorch's wheels pin the cuDNN they were built with), unless `TORCH_CUDNN_SDPA_PREFERRED=0`.
 * The GPU half is the cuDNN rule's candidate (sdpa-cuda.ts); this is the version half.
 */
export const triedFirst: Condition = (c) => c.env.cudnn === undefined
  ? dependsOn(['the cuDNN version (SDPA tries cuDNN first only when built with cuDNN 9.9.0 or newer)'])
  : need([cudnnVersion(c)], (v) => atLeast(v, [9, 9]) ? OK
    : rejected(`cuDNN attention is tried first only with cuDNN 9.9.0 or newer (have ${shown(c)})`, 'cuDNN < 9.9'));

/** `check_cudnn_tensor_shapes` at v2.9.1: 128, or 256 on sm90 (minor 0) with a runtime cuDNN of 9.10.0 or newer. */
const headDimLimit: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) => {
  const within = (limit: number) => d <= limit && dv <= limit;
  if (within(CUDNN_MAX_HEAD_DIM)) return OK;
  const refuse = (limit: number) => rejected(torch.cudnnHeadDimMax(limit), headDimShort(d, dv));
  if (c.env.sm !== 90) return refuse(CUDNN_MAX_HEAD_DIM);
  return need([cudnnVersion(c)], (v) => {
    const limit = atLeast(v, [9, 10]) ? CUDNN_D256_MAX_HEAD_DIM : CUDNN_MAX_HEAD_DIM;
    return within(limit) ? OK : refuse(limit);
  });
});

const headDimMultiple: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) =>
  d % CUDNN_HEAD_DIM_MULTIPLE === 0 && dv % CUDNN_HEAD_DIM_MULTIPLE === 0 ? OK : rejected(torch.cudnnHeadDimMultiple, headDimShort(d, dv)));

/** v2.9.1: k/v of length 1 always; a query of length 1 only with dropout. */
const seqLengths: Condition = (c) => need([c.facts.shape.seqKv], (lk) => lk === 1 ? rejected(torch.cudnnKvSeqLenOne, 'key length 1')
  : need([c.facts.dropout], (p) => p === 0 ? OK
    : need([c.facts.shape.seqQ], (lq) => (lq === 1 ? rejected(torch.cudnnQuerySeqLenOneDropout, 'query length 1 with dropout') : OK))));

/** A runtime cuDNN newer than 9.11.0 and older than 9.14 takes no dropout in SDPA (v2.9.1, the first check). */
const dropoutVersion: Condition = (c) => need([c.facts.dropout], (p) => p === 0 ? OK
  : newerThan(c, [9, 11], (after911) => need([cudnnVersion(c)], ([a, b]) =>
    after911 && a === 9 && b <= 13 ? rejected(torch.cudnnDropoutVersion(a * 10000 + b * 100), `dropout on cuDNN ${a}.${b}`) : OK)));

/** cuDNN checked no heads before 2.8; from 2.8 it takes grouped heads with `enable_gqa` only. */
const heads = fusedHeads((c): GqaSupport => (torchAtLeast(c.env, 2, 8) ? 'takes' : 'unchecked'), CUDA_VERIFIED);

/** `check_dtypes_low_precision`: Half only below sm80. */
const lowPrecision: Condition = (c) => dtypeIn(c.env.sm >= 80 ? ['float16', 'bfloat16'] : ['float16'])(c);

/** `check_cudnn_hardware_support`: sm80–sm90 at v2.6.0, sm80–sm121 at v2.9.1. */
const cudnnSm = (high: number): Condition => (c) => (c.env.sm >= 80 && c.env.sm <= high ? OK
  : rejected(torch.smRange('cuDNN MHA', 80, high, c.env.sm), `sm${c.env.sm}`));

/**
 * `can_use_cudnn_attention` at v2.9.1, the checks the facts can answer, in its order: the dropout
 * version check, the general constraints, then the dense ones (heads, then `check_cudnn_tensor_shapes`).
 */
export const CUDNN_CHECKS_2_9: readonly Condition[] = [
  dropoutVersion, switchedOn('cudnn'), fourDimensional, lowPrecision, attnMaskShape, cudnnSm(121),
  heads, headDimLimit, headDimMultiple, seqLengths,
];

/** v2.6.0's `check_cudnn_tensor_shapes`: head dims at most 128, whatever the GPU or cuDNN version. */
const headDimAtMost128: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) =>
  d <= CUDNN_MAX_HEAD_DIM && dv <= CUDNN_MAX_HEAD_DIM ? OK : rejected(torch.cudnnHeadDimMax(CUDNN_MAX_HEAD_DIM), headDimShort(d, dv)));

/** v2.6.0 refuses length 1 on either side, with or without dropout. */
const noLengthOne: Condition = (c) => need([c.facts.shape.seqQ, c.facts.shape.seqKv], (lq, lk) =>
  lq !== 1 && lk !== 1 ? OK : rejected(torch.cudnnSeqLenOne, lq === 1 ? 'query length 1' : 'key length 1'));

/**
 * `can_use_cudnn_attention` at v2.6.0, the checks the facts can answer, in its order; taken for 2.5
 * too, as a 2.5-era commit (21c3369e) has the same ones. No head-count or dropout checks yet; compiled
 * with cuDNN 9, its cuDNN 8 branches never run.
 */
export const CUDNN_CHECKS_2_6: readonly Condition[] = [
  switchedOn('cudnn'), fourDimensional, headDimAtMost128, headDimMultiple, noLengthOne, lowPrecision, attnMaskShape, cudnnSm(90),
];
