/**
 * flash-attention 3 (`flash_attn_interface.flash_attn_func`, built from hopper/): one kernel, whose
 * checks raise in `mha_fwd`'s order (hopper/flash_api.cpp, docs/dispatch.md). Since January 2025
 * (7bc3f031) it builds for sm80 as well as sm90; fp8 e4m3 (not a dtype the analysis tracks) on sm90.
 */
import { need, needHeads, OK, raises, type Condition } from '../check';
import type { Policy } from '../engine';
import { flashAttn3 } from '../messages';
import { FLASH_ATTN_3_HEAD_DIM_MULTIPLE, FLASH_MAX_HEAD_DIM } from '../head-dims';
import { flashDtypeWarnings, flashNotes, LOW, queryFirstDtypeError } from './flash-attn';

/** Q/K and V head sizes may differ only in these pairs (and only on Hopper). */
const otherVHeadDim = (d: number, dv: number): boolean => (d > 128 && d <= 192 && dv > 96 && dv <= 128) || (d <= 64 && dv <= 512);

const VALIDATION: readonly Condition[] = [
  (c) => (c.env.sm >= 80 ? OK : raises(flashAttn3.gpu, `sm${c.env.sm}`)),
  (c) => need([c.dtypes.q], (q) => (LOW.includes(q) ? OK : raises(flashAttn3.dtype, `q is ${q}`))),
  (c) => need([c.dtypes.q, c.dtypes.k], (q, k) => (q === k ? OK : raises(flashAttn3.keyDtype, 'q, k dtypes differ'))),
  (c) => need([c.dtypes.q, c.dtypes.v], (q, v) => (q === v ? OK : raises(flashAttn3.valueDtype, 'q, v dtypes differ'))),
  (c) => (c.env.device === 'cuda' ? OK : raises(flashAttn3.notCuda, `device ${c.env.device}`)),
  (c) => need([c.facts.shape.headDim], (d) => (d <= FLASH_MAX_HEAD_DIM ? OK : raises(flashAttn3.headDim, `head dim ${d}`))),
  (c) => needHeads(c, (h, hkv) => (h % hkv === 0 ? OK : raises(flashAttn3.heads, `${h} heads, ${hkv} kv heads`))),
  (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) => d === dv ? OK
    : !otherVHeadDim(d, dv) ? raises(flashAttn3.headDimV, `head dims ${d}/${dv}`)
      : Math.floor(c.env.sm / 10) === 9 ? OK : raises(flashAttn3.headDimVGpu, `head dims ${d}/${dv} on sm${c.env.sm}`)),
  (c) => need([c.facts.shape.headDim], (d) => (d % FLASH_ATTN_3_HEAD_DIM_MULTIPLE === 0 ? OK : raises(flashAttn3.alignment('head_size'), `head dim ${d}`))),
  (c) => need([c.facts.shape.headDimV], (dv) => (dv % FLASH_ATTN_3_HEAD_DIM_MULTIPLE === 0 ? OK : raises(flashAttn3.alignment('head_size_v'), `head dim ${dv}`))),
];

export const FLASH_ATTN_3: Policy = {
  id: 'flash-attn-3',
  autocastAware: false,
  validation: VALIDATION,
  backends: [{ backend: 'flash_attn.fa3', conditions: [] }],
  warnings: flashDtypeWarnings(queryFirstDtypeError(flashAttn3)),
  notes: flashNotes,
};
