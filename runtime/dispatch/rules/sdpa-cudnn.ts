/**
 * SDPA's cuDNN kernel on CUDA: when it is tried first, and what it takes. Read from
 * aten/src/ATen/native/transformers/cuda/sdp_utils.cpp on PyTorch's main branch at 001f694a
 * (`check_prefer_cudnn_attention`, `can_use_cudnn_attention`, `check_cudnn_tensor_shapes`,
 * `check_cudnn_d256_bprop_head_dim`), taken for 2.7–2.10, whose own sources were not read; 2.5–2.6 are
 * v2.6.0's (`CUDNN_CHECKS_2_6`; docs/dispatch.md).
 * cuDNN versions are [major, minor]: where a limit falls inside a minor release (9.15.0 < v), the
 * patch decides and the answer depends on it.
 */
import { dependsOn, need, OK, rejected, type Check, type Condition } from '../check';
import { torchAtLeast, type CallContext } from '../context';
import type { Fact } from '../facts';
import { torch } from '../messages';
import { CUDNN_D256_MAX_HEAD_DIM, CUDNN_HEAD_DIM_MULTIPLE, CUDNN_MAX_HEAD_DIM } from '../head-dims';
import { attnMaskShape, dtypeIn, fourDimensional } from './sdpa-shared';
import { CUDA_VERIFIED, fusedHeads, type GqaSupport } from './sdpa-heads';
import { switchedOn } from './sdpa-switches';

type Version = readonly [number, number];

const cudnnVersion = (c: CallContext): Fact<Version> =>
  c.env.cudnn ?? { known: false, dependsOn: 'the cuDNN version' };

/** Whether the runtime cuDNN is newer than `major.minor.0`: for `major.minor` itself its patch decides. */
function newerThan(c: CallContext, [major, minor]: Version, then: (newer: boolean) => Check): Check {
  return need([cudnnVersion(c)], ([a, b]) => a !== major || b !== minor ? then(a > major || (a === major && b > minor))
    : dependsOn([`the cuDNN patch version (newer than ${major}.${minor}.0?)`]));
}

const family = (sm: number): number => Math.floor(sm / 10);

/** sm90 and sm10x with cuDNN newer than 9.15.0 (`check_prefer_cudnn_attention`; `TORCH_CUDNN_SDPA_DEPRIORITIZED` turns it off). */
export const triedFirst: Condition = (c) => c.env.cudnn === undefined
  ? dependsOn(['the cuDNN version (SDPA tries cuDNN first only with cuDNN newer than 9.15.0)'])
  : newerThan(c, [9, 15], (newer) => newer ? OK
  : rejected(`cuDNN attention is tried first only with cuDNN newer than 9.15.0 (have ${c.env.cudnn?.known ? c.env.cudnn.value.join('.') : '?'})`, 'cuDNN ≤ 9.15'));

/** sm90 (minor 0) and sm10x but sm107 before cuDNN 9.26: where cuDNN > 9.22 takes head dims up to 256. */
const d256Gpu = (c: CallContext, v: Version): boolean => {
  const sm90or10x = c.env.sm === 90 || family(c.env.sm) === 10;
  const unsupported107 = c.env.sm === 107 && (v[0] < 9 || (v[0] === 9 && v[1] <= 25));
  return sm90or10x && !unsupported107;
};

/** The head-dim limit: 128; 256 where d256Gpu with cuDNN > 9.22.0; (192, 128) on sm90/sm10x from cuDNN 9.11. */
const headDimLimit: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) => {
  if (d <= CUDNN_MAX_HEAD_DIM && dv <= CUDNN_MAX_HEAD_DIM) return OK;
  const refuse = (limit: number) => rejected(torch.cudnnHeadDimMax(limit), d === dv ? `head dim ${d}` : `head dims ${d}/${dv}`);
  return newerThan(c, [9, 22], (d256) => need([cudnnVersion(c)], (v) => {
    if (d256 && d256Gpu(c, v)) return d <= CUDNN_D256_MAX_HEAD_DIM && dv <= CUDNN_D256_MAX_HEAD_DIM ? OK : refuse(CUDNN_D256_MAX_HEAD_DIM);
    const deepseek = (c.env.sm === 90 || family(c.env.sm) === 10) && (v[0] > 9 || (v[0] === 9 && v[1] >= 11)) && d === 192 && dv === 128;
    return deepseek ? OK : refuse(CUDNN_MAX_HEAD_DIM);
  }));
});

const headDimMultiple: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) =>
  d % CUDNN_HEAD_DIM_MULTIPLE === 0 && dv % CUDNN_HEAD_DIM_MULTIPLE === 0 ? OK : rejected(torch.cudnnHeadDimMultiple, d === dv ? `head dim ${d}` : `head dims ${d}/${dv}`));

const batchAndHeads: Condition = (c) => need([c.facts.shape.batch, c.facts.shape.heads], (b, h) =>
  b <= 65535 && h <= 65535 ? OK : rejected(torch.cudnnBatchHeads(b, h), 'batch or heads > 65535'));

const seqLengths: Condition = (c) => need([c.facts.shape.seqKv], (lk) => lk === 1 ? rejected(torch.cudnnKvSeqLenOne, 'key length 1')
  : need([c.facts.dropout], (p) => p === 0 ? OK
    : need([c.facts.shape.seqQ], (lq) => (lq === 1 ? rejected(torch.cudnnQuerySeqLenOneDropout, 'query length 1 with dropout') : OK))));

const dropoutResolution: Condition = (c) => need([c.facts.dropout], (p) =>
  Number.isInteger(p * 16) ? OK : rejected(torch.cudnnDropout, `dropout ${p}`));

/** cuDNN 9.11.1–9.13.x take no dropout in SDPA. */
const dropoutVersion: Condition = (c) => need([c.facts.dropout], (p) => p === 0 ? OK
  : newerThan(c, [9, 11], (after911) => need([cudnnVersion(c)], ([a, b]) =>
    after911 && a === 9 && b <= 13 ? rejected(torch.cudnnDropoutVersion(a * 10000 + b * 100), `dropout on cuDNN ${a}.${b}`) : OK)));

/** Training with head dims above 128 where cuDNN takes 256: only (192, 128) and (256, 256) have a backward. */
const backwardHeadDims: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) => {
  if (d <= CUDNN_MAX_HEAD_DIM && dv <= CUDNN_MAX_HEAD_DIM) return OK;
  return need([c.facts.mode], (mode) => mode !== 'train' ? OK
    : newerThan(c, [9, 22], (d256) => need([cudnnVersion(c)], (v) => {
      if (!d256 || !d256Gpu(c, v) || (d === 192 && dv === 128) || (d === CUDNN_D256_MAX_HEAD_DIM && dv === CUDNN_D256_MAX_HEAD_DIM)) return OK;
      return rejected(torch.cudnnBackwardHeadDim(d, dv), `training, head dims ${d}/${dv}`);
    })));
});

/** cuDNN checked no heads before 2.8; from 2.8 it takes grouped heads with `enable_gqa` only. */
const heads = fusedHeads((c): GqaSupport => (torchAtLeast(c.env, 2, 8) ? 'takes' : 'unchecked'), CUDA_VERIFIED);

/** `can_use_cudnn_attention`'s checks the facts can answer, in its order. */
export const CUDNN_CHECKS: readonly Condition[] = [
  switchedOn('cudnn'), fourDimensional, (c) => dtypeIn(['float16', 'bfloat16'])(c), attnMaskShape, dropoutResolution, dropoutVersion,
  heads, batchAndHeads, headDimLimit, headDimMultiple, seqLengths, backwardHeadDims,
];


/** v2.6.0's `check_cudnn_tensor_shapes`: head dims at most 128, whatever the GPU or cuDNN version. */
const headDimAtMost128: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) =>
  d <= CUDNN_MAX_HEAD_DIM && dv <= CUDNN_MAX_HEAD_DIM ? OK
    : rejected(torch.cudnnHeadDimMax(CUDNN_MAX_HEAD_DIM), d === dv ? `head dim ${d}` : `head dims ${d}/${dv}`));

/** v2.6.0 refuses length 1 on either side, with or without dropout. */
const noLengthOne: Condition = (c) => need([c.facts.shape.seqQ, c.facts.shape.seqKv], (lq, lk) =>
  lq !== 1 && lk !== 1 ? OK : rejected(torch.cudnnSeqLenOne, lq === 1 ? 'query length 1' : 'key length 1'));

/** v2.6.0's `check_dtypes_low_precision`: Half only below sm80. */
const lowPrecision: Condition = (c) => dtypeIn(c.env.sm >= 80 ? ['float16', 'bfloat16'] : ['float16'])(c);

/** v2.6.0's `check_cudnn_hardware_support`: sm80–sm90. */
const cudnnSm: Condition = (c) => (c.env.sm >= 80 && c.env.sm <= 90 ? OK
  : rejected(torch.smRange('cuDNN MHA', 80, 90, c.env.sm), `sm${c.env.sm}`));

/**
 * `can_use_cudnn_attention` at v2.6.0 (Debian's pytorch_2.6.0+dfsg.orig.tar.xz), the checks the facts
 * can answer, in its order; taken for 2.5 too, as a 2.5-era commit (21c3369e) has the same ones. No
 * head-count, dropout or backward checks yet; compiled with cuDNN 9, its cuDNN 8 branches never run.
 */
export const CUDNN_CHECKS_2_6: readonly Condition[] = [
  switchedOn('cudnn'), fourDimensional, headDimAtMost128, headDimMultiple, noLengthOne, lowPrecision, attnMaskShape, cudnnSm,
];
