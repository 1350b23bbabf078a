/**
 * Grouped heads in SDPA: k and v with fewer heads than q, and the `enable_gqa` keyword (torch ≥ 2.5)
 * that lets them through. What each kernel does was read from PyTorch's sources per version
 * (docs/rules/grouped-heads.md); a version whose behaviour was not verified answers "depends on".
 */
import { dependsOn, need, needHeads, OK, raises, rejected, type Check, type Condition } from '../check';
import { torchAtLeast, type CallContext } from '../context';
import { known, type Fact } from '../facts';
import { torch, type Sizes } from '../messages';

/**
 * How a fused kernel's filter treats grouped heads with `enable_gqa=True` in the configured torch:
 * `takes` them (q heads a multiple of k/v heads), `refuses` them (it asks for equal heads),
 * `unchecked` (no head check at all: cuDNN before 2.8), or `unverified` for this version.
 */
export type GqaSupport = 'takes' | 'refuses' | 'unchecked' | 'unverified';

/** The short text of a rejection caused by grouped heads; the `grouped-heads` finding looks for it. */
export const GROUPED_HEADS = 'grouped heads';

const version = (c: CallContext): string => `${c.env.torch[0]}.${c.env.torch[1]}`;

/** `enable_gqa` as passed; absent means PyTorch's default, False. */
function enableGqa(c: CallContext): Fact<boolean> {
  return c.facts.enableGqa ?? known(false, 'enable_gqa is not passed');
}

/** The keyword arrived in torch 2.5: before, Python refuses the call. */
export const gqaKeyword: Condition = (c) => {
  const flag = c.facts.enableGqa;
  if (!flag || torchAtLeast(c.env, 2, 5)) return OK;
  return flag.known ? raises(torch.gqaKeyword, 'enable_gqa before torch 2.5') : dependsOn([flag.dependsOn]);
};

/** q, k, v sizes (B, H, L, D) as PyTorch prints them in its warnings. */
function qkvSizes(c: CallContext): [Sizes, Sizes, Sizes] {
  const n = (f: Fact<number>): number | null => (f.known ? f.value : null);
  const s = c.facts.shape;
  return [
    [n(s.batch), n(s.heads), n(s.seqQ), n(s.headDim)],
    [n(s.batch), n(s.kvHeads), n(s.seqKv), n(s.headDim)],
    [n(s.batch), n(s.kvHeads), n(s.seqKv), n(s.headDimV)],
  ];
}

/**
 * One key/value head without `enable_gqa`: every fused kernel refused it up to the versions read;
 * PyTorch's main branch takes it since pytorch#191085 (July 2026), a release not identified.
 */
function singleKvHeadUnflagged(c: CallContext, lastVerified: [number, number]): Check | null {
  if (!torchAtLeast(c.env, lastVerified[0], lastVerified[1] + 1)) return null;
  return dependsOn([`whether torch ${version(c)}'s fused kernels take one key/value head without enable_gqa (PyTorch's main branch does since pytorch#191085; not verified for this release)`]);
}

/**
 * The fused kernels' `check_batch_size_and_num_heads_dense`: equal heads pass; differing heads need
 * `enable_gqa=True` and a kernel that takes them. Unknown heads matter only where enable_gqa may be
 * True and the kernel may refuse grouped heads; without the flag the code's heads are taken as equal.
 */
export function fusedHeads(support: (c: CallContext) => GqaSupport, lastVerified: [number, number]): Condition {
  return (c) => {
    const gqa = enableGqa(c);
    const kernel = support(c);
    if (kernel === 'unchecked') return OK;
    const { heads, kvHeads } = c.facts.shape;
    if (!heads.known || !kvHeads.known) {
      if ((gqa.known && !gqa.value) || kernel === 'takes') return OK;
      return needHeads(c, () => OK);
    }
    const [hq, hkv] = [heads.value, kvHeads.value];
    if (hq === hkv) return OK;
    const refused = (short: string): Check => rejected(torch.sameNumHeads(...qkvSizes(c)), short);
    const unflagged = (): Check => (hkv === 1 ? singleKvHeadUnflagged(c, lastVerified) : null) ?? refused(`${hkv} k/v heads ≠ ${hq} q heads`);
    if (gqa.known && !gqa.value) return unflagged();
    if (kernel === 'refuses') return refused(GROUPED_HEADS);
    return need([gqa], () => {
      if (kernel === 'unverified') {
        return dependsOn([`whether torch ${version(c)}'s kernel takes grouped heads with enable_gqa (not verified for this release)`]);
      }
      return hq % hkv === 0 ? OK : rejected(torch.gqaNotDivisible(!torchAtLeast(c.env, 2, 8), hq, hkv), 'heads not divisible');
    });
  };
}

/**
 * The math kernel: with `enable_gqa=True` it repeats k, v to q's heads (raising when they do not
 * divide); without it, q·kᵀ broadcasts the heads dim, which only one head on either side survives.
 */
export const mathHeads: Condition = (c) => {
  const { heads, kvHeads } = c.facts.shape;
  if (!heads.known || !kvHeads.known || heads.value === kvHeads.value) return OK;
  const [hq, hkv] = [heads.value, kvHeads.value];
  return need([enableGqa(c)], (on) => {
    if (on) return hq % hkv === 0 ? OK : raises(torch.gqaMathNotDivisible, 'heads not divisible');
    return hq === 1 || hkv === 1 ? OK : raises(torch.headsBroadcast(hq, hkv), 'k/v heads ≠ q heads');
  });
};

/** The last torch whose CUDA kernels' head checks were read (2.9: v2.9.1's sdp_utils.cpp and sdp_utils_cpp.h; docs/rules/grouped-heads.md). */
export const CUDA_VERIFIED: [number, number] = [2, 9];
