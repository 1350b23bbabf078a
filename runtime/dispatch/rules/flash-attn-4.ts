/**
 * flash-attention 4 (`flash_attn.cute.flash_attn_func`, CuTe DSL): one kernel per GPU family, whose
 * Python assertions run in `_flash_attn_fwd`'s order (flash_attn/cute/interface.py at
 * fa4-v4.0.0.beta27; docs/dispatch.md). The first beta (fa4-v4.0.0.beta0) took sm90–sm11x only.
 */
import { need, needHeads, OK, raises, type Condition } from '../check';
import type { Policy } from '../engine';
import { flashAttn4 } from '../messages';
import { flashDtypeWarnings, flashNotes, LOW, type FirstDtypeError } from './flash-attn';

/** `_validate_head_dims` for fp16/bf16 (alignment 16 bytes / 2 = 8); sm8x and sm12x are not checked. */
function headDimsFit(family: number, d: number, dv: number): boolean {
  const aligned = d % 8 === 0 && dv % 8 === 0;
  if (family === 9) return aligned && d >= 8 && d <= 256 && dv >= 8 && dv <= 256;
  const standard = d >= 8 && d <= 128 && dv >= 8 && dv <= 128;
  const deepseek = d === 192 && dv === 128;
  const mlaAbsorbed = (d === 64 || d === dv) && dv === 512;
  const hd256 = d === 256 && dv === 256;
  return aligned && (standard || deepseek || mlaAbsorbed || hd256);
}

const headDims: Condition = (c) => {
  const family = Math.floor(c.env.sm / 10);
  if (family !== 9 && family !== 10 && family !== 11) return OK;
  return need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) => headDimsFit(family, d, dv) ? OK
    : raises((family === 9 ? flashAttn4.headDimSm90 : flashAttn4.headDimSm100)(d, dv), `head dims ${d}/${dv} on sm${c.env.sm}`));
};

const VALIDATION: readonly Condition[] = [
  (c) => need([c.dtypes.v], (v) => (LOW.includes(v) ? OK : raises(flashAttn4.dtype, `v is ${v}`))),
  (c) => need([c.dtypes.q, c.dtypes.k, c.dtypes.v], (q, k, v) => (q === v && k === v ? OK : raises(flashAttn4.sameDtype, 'q, k, v dtypes differ'))),
  (c) => (c.env.device === 'cuda' ? OK : raises(flashAttn4.notCuda, `device ${c.env.device}`)),
  (c) => (c.env.sm >= 80 && c.env.sm < 130 ? OK : raises(flashAttn4.gpu, `sm${c.env.sm}`)),
  (c) => needHeads(c, (h, hkv) => (h % hkv === 0 ? OK : raises(flashAttn4.heads, `${h} heads, ${hkv} kv heads`))),
  headDims,
];

/** v's dtype is checked first, then all against it. */
const firstDtypeError: FirstDtypeError = (q, k, v) => {
  if (!LOW.includes(v)) return { code: 'dtype-unsupported', message: flashAttn4.dtype };
  if (q !== v || k !== v) return { code: 'dtype-mismatch', message: flashAttn4.sameDtype };
  return null;
};

export const FLASH_ATTN_4: Policy = {
  id: 'flash-attn-4',
  autocastAware: false,
  validation: VALIDATION,
  backends: [{ backend: 'flash_attn.fa4', conditions: [] }],
  warnings: flashDtypeWarnings(firstDtypeError),
  notes: flashNotes,
};
