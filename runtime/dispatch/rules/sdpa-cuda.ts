/**
 * `F.scaled_dot_product_attention` on CUDA: [cuDNN →] FLASH → EFFICIENT → MATH (RULES.md), with the
 * limits and messages of the torch version and GPU in the environment, and the backend switches.
 */
import { need, OK, raises, rejected, type BackendRule, type Condition } from '../check';
import { torchAtLeast, type CallContext } from '../context';
import type { Dtype } from '../facts';
import { torch } from '../messages';
import { FLASH_CONSUMER_TRAINING_DROPOUT_MAX, FLASH_CONSUMER_TRAINING_MAX, FLASH_MAX_HEAD_DIM, FLASH_V1_CONSUMER_TRAINING_MAX, FLASH_V1_HEAD_DIM_MULTIPLE, FLASH_V1_MAX_HEAD_DIM, GEMM_ROW_BITS, SM80_GEMM_ALIGNMENT } from '../head-dims';
import type { Policy } from '../engine';
import { dtypeIn, fourDimensional, headDimShort, MATH, noMask, SDPA_VALIDATION, sdpaNotes, sdpaWarnings } from './sdpa-shared';
import { CUDA_VERIFIED, fusedHeads, type GqaSupport } from './sdpa-heads';
import { inPriority, switchedOff, switchedOn } from './sdpa-switches';
import { CUDNN_CHECKS_2_6, CUDNN_CHECKS_2_9, triedFirst } from './sdpa-cudnn';

const between = (sm: number, low: number, high: number) => sm >= low && sm <= high;

/**
 * From 2.7 the rules are v2.9.1's, read in Ubuntu's pytorch_2.9.1+dfsg.orig.tar.xz and taken for 2.7,
 * 2.8 and 2.10, whose own sources were not read; 2.5–2.6 are v2.6.0's, read in Debian's
 * pytorch_2.6.0+dfsg.orig.tar.xz (docs/dispatch.md).
 */
const rules29 = (c: CallContext): boolean => torchAtLeast(c.env, 2, 7);

/** 2.0/2.1 shipped FlashAttention 1 (sm75–sm90); 2.2 moved to FlashAttention 2 (sm80+). */
function flashSmRange(c: CallContext): [number, number] {
  if (!torchAtLeast(c.env, 2, 2)) return [75, 90];
  return rules29(c) ? [80, 121] : [80, 90];
}

const flashSm: Condition = (c) => {
  const [low, high] = flashSmRange(c);
  return between(c.env.sm, low, high) ? OK : rejected(torch.smRange('Flash attention', low, high, c.env.sm), `sm${c.env.sm}`);
};

const flashHeadDim: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) => {
  if (torchAtLeast(c.env, 2, 2)) return d === dv && d <= FLASH_MAX_HEAD_DIM ? OK : rejected(torch.flashHeadDim(d, d, dv), headDimShort(d, dv));
  const fits = d === dv && d % FLASH_V1_HEAD_DIM_MULTIPLE === 0 && d <= FLASH_V1_MAX_HEAD_DIM;
  return fits ? OK : rejected(torch.flashHeadDimV1(d, d, dv), headDimShort(d, dv));
});

/**
 * FlashAttention 2 aligns causal masks bottom-right, so SDPA refuses it for Lq ≠ Lk. Where the code
 * shows the lengths equal, the causal flag does not matter (`is_causal=self.is_causal and q_len > 1`).
 */
const flashCausalSquare: Condition = (c) => !torchAtLeast(c.env, 2, 2) || (c.facts.shape.sameLength?.known && c.facts.shape.sameLength.value) ? OK
  : need([c.facts.causal], (causal) => !causal ? OK
    : need([c.facts.shape.seqQ, c.facts.shape.seqKv], (lq, lk) =>
      lq === lk ? OK : rejected(torch.causalNonSquare(lq, lk), 'is_causal with Lq ≠ Lk')));

/**
 * Its backward fails for big head dims on consumer GPUs, so SDPA skips flash when training there:
 * sm86–89, and sm120–121 from v2.9.1's rules (whose warning still names only [sm86, sm89]).
 */
const flashTraining: Condition = (c) => {
  const sm = c.env.sm;
  if (!torchAtLeast(c.env, 2, 2)) {
    if (!between(sm, 86, 89)) return OK;
    return need([c.facts.shape.headDim], (d) => d <= FLASH_V1_CONSUMER_TRAINING_MAX ? OK
      : need([c.facts.mode], (mode) => mode !== 'train' ? OK : rejected(torch.flashTrainingV1(d, sm), `training, head dim ${d} on sm${sm}`)));
  }
  if (!between(sm, 86, 89) && !(between(sm, 120, 121) && rules29(c))) return OK;
  return need([c.facts.shape.headDim], (d) => {
    if (d <= FLASH_CONSUMER_TRAINING_MAX) return OK;
    return need([c.facts.mode], (mode) => {
      if (mode !== 'train') return OK;
      const fail = (p: number) => rejected(torch.flashTraining(p, d, sm), `training, head dim ${d} on sm${sm}`);
      if (d <= FLASH_CONSUMER_TRAINING_DROPOUT_MAX) return need([c.facts.dropout], fail);
      return need([c.facts.dropout], (p) => (p > 0 ? fail(p) : OK));
    });
  });
};


/** FlashAttention 2 takes grouped heads from 2.5, when `enable_gqa` arrived, to PyTorch's main branch. */
const flashHeads = fusedHeads(() => 'takes', CUDA_VERIFIED);

const FLASH: BackendRule = {
  backend: 'sdpa.flash',
  conditions: [
    switchedOn('flash'), fourDimensional,
    (c) => noMask(torchAtLeast(c.env, 2, 2) ? torch.flashMask : torch.fusedMask)(c),
    flashHeadDim, flashSm, flashCausalSquare, flashTraining,
    (c) => dtypeIn(c.env.sm >= 80 ? ['float16', 'bfloat16'] : ['float16'])(c),
    flashHeads,
  ],
};

const efficientSm: Condition = (c) => {
  const high = rules29(c) ? 121 : 90;
  return between(c.env.sm, 50, high) ? OK
    : rejected(torch.smRange('Mem Efficient Attention', 50, high, c.env.sm), `sm${c.env.sm}`);
};

/** ATen's `minimum_gemm_alignment`: tensor cores need 128-bit aligned rows. */
function gemmAlignment(sm: number, dtype: Dtype): number {
  const half = dtype === 'float16' || dtype === 'bfloat16';
  const tensorCores = sm >= 80 || (sm >= 70 && half);
  const base = sm >= 80 ? SM80_GEMM_ALIGNMENT : 1;
  return tensorCores ? Math.max(base, GEMM_ROW_BITS / (half ? 16 : 32)) : base;
}

const efficientHeadDim: Condition = (c) => need([c.dtypes.q, c.facts.shape.headDim, c.facts.shape.headDimV], (q, d, dv) => {
  const a = gemmAlignment(c.env.sm, q);
  return d % a === 0 && dv % a === 0 ? OK : rejected(torch.efficientHeadDim(a, d, d, dv), `${headDimShort(d, dv)} not divisible by ${a}`);
});

const efficientDropout: Condition = (c) => torchAtLeast(c.env, 2, 1) ? OK
  : need([c.facts.dropout], (p) => (p > 0 ? rejected(torch.efficientDropout(p), 'dropout') : OK));

/** A float32 bias passes validation with a float16 query, then this kernel raises (RULES.md). */
const efficientBiasDtype: Condition = (c) => {
  const bias = c.dtypes.bias;
  if (!torchAtLeast(c.env, 2, 1) || bias === undefined) return OK;
  return need([c.facts.mask.kind], (kind) => kind !== 'float' ? OK
    : need([bias, c.dtypes.q], (b, q) => (b === q ? OK : raises(torch.biasDtype, 'bias dtype ≠ query dtype'))));
};

/**
 * Refused through 2.9 (v2.9.1: `check_batch_size_and_num_heads_dense<false>`); PyTorch's main branch
 * takes them since pytorch#191085 (July 2026), so 2.10, not read, depends.
 */
const efficientHeads = fusedHeads((c): GqaSupport => (torchAtLeast(c.env, 2, 10) ? 'unverified' : 'refuses'), CUDA_VERIFIED);

const EFFICIENT: BackendRule = {
  backend: 'sdpa.efficient',
  conditions: [
    switchedOn('efficient'), fourDimensional,
    efficientSm,
    (c) => (torchAtLeast(c.env, 2, 1) ? OK : noMask(torch.fusedMask)(c)),
    efficientHeadDim, efficientDropout, efficientHeads,
    (c) => dtypeIn(c.env.sm >= 80 ? ['float16', 'float32', 'bfloat16'] : ['float16', 'float32'])(c),
    efficientBiasDtype,
  ],
};

/** cuDNN where PyTorch tries it first: sm90 and sm100 with cuDNN 9.9+ (v2.9.1's rules; v2.6.0 never tries it first). */
const CUDNN: BackendRule = {
  backend: 'sdpa.cudnn',
  candidate: (c) => rules29(c) && (c.env.sm === 90 || c.env.sm === 100),
  conditions: [triedFirst, ...CUDNN_CHECKS_2_9],
};

/** cuDNN anywhere else in the order: after math by default, where the user put it with `set_priority`. */
const CUDNN_ELSEWHERE: BackendRule = {
  backend: 'sdpa.cudnn',
  candidate: rules29,
  conditions: CUDNN_CHECKS_2_9,
};

/** cuDNN in 2.5–2.6: last in the default order (v2.6.0's Context.h: flash, efficient, math, cudnn), with that release's checks. */
const CUDNN_2_6: BackendRule = {
  backend: 'sdpa.cudnn',
  candidate: (c) => torchAtLeast(c.env, 2, 5) && !rules29(c),
  conditions: CUDNN_CHECKS_2_6,
};

const DEFAULT_ORDER: readonly BackendRule[] = [CUDNN, FLASH, EFFICIENT, MATH];

const cudnnGoesFirst = (c: CallContext): boolean =>
  (CUDNN.candidate?.(c) ?? false) && triedFirst(c).kind === 'ok';

/**
 * cuDNN after math is reached only when a switch turned math off; `set_priority=True` puts the
 * backends in the user's order (cuDNN then without its "tried first" version condition).
 */
function cudaOrder(c: CallContext): readonly BackendRule[] {
  const cudnn = rules29(c) ? CUDNN_ELSEWHERE : CUDNN_2_6;
  const cudnnLast = switchedOff(c, 'math') && !cudnnGoesFirst(c);
  const defaults = cudnnLast ? [...DEFAULT_ORDER, cudnn] : DEFAULT_ORDER;
  return inPriority(c, { flash: FLASH, efficient: EFFICIENT, math: MATH, cudnn }, defaults);
}

/**
 * Where the answer rests on a release whose sdp_utils.cpp was not read: 2.7, 2.8 and 2.10 take v2.9.1's
 * rules (always said); 2.5 takes v2.6.0's, said where they differ from what 2.5's development read at
 * 21c3369e could not settle (sm90 and newer, or cuDNN reached with math switched off). 2.6 and 2.9 were read.
 */
function unreadReleaseNotes(c: CallContext): string[] {
  const version = c.env.torch.join('.');
  if (rules29(c)) return version === '2.9' ? [] : [`torch ${version}'s own sdp_utils.cpp was not read: these rules are v2.9.1's, the nearest release read`];
  const cudnnMatters = torchAtLeast(c.env, 2, 5) && !torchAtLeast(c.env, 2, 6) && (c.env.sm >= 90 || switchedOff(c, 'math'));
  return cudnnMatters ? [`torch ${version}'s own sdp_utils.cpp was not read: these rules are v2.6.0's, which a 2.5-era commit (21c3369e) agrees with; 2.5.0 may still try cuDNN first on sm90 and newer (v2.6.0 says it stopped that over pytorch#138340)`] : [];
}

export const SDPA_CUDA: Policy = {
  id: 'sdpa-cuda',
  autocastAware: true,
  validation: SDPA_VALIDATION,
  backends: DEFAULT_ORDER,
  order: cudaOrder,
  exhausted: () => torch.noKernel,
  warnings: sdpaWarnings,
  notes: (c, chosen) => [...sdpaNotes(c, chosen), ...unreadReleaseNotes(c)],
};
