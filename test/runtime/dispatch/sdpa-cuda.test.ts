/** RULES.md "PyTorch F.scaled_dot_product_attention (CUDA)", one row per rule. */
import assert from 'node:assert/strict';
import { decide } from '../../../runtime/dispatch/policy';
import { known } from '../../../runtime/dispatch/facts';
import { call, env, runRows, U, type Row } from './call';

const FLASH_MASK = 'Flash Attention does not support non-null attn_mask.';
const FUSED_MASK = 'Both fused kernels do not support non-null attn_mask.';
const MASK_SHAPES = 'Please use the following attn mask shapes: 2d - ({Q_seq_len, 1}  x {KV_seq_len, 1}); 4d - ({Batch, 1} x {Num_heads, 1} x {Q_seq_len, 1}  x {KV_seq_len, 1})';

const validation: Row[] = [
  ['q/k/v of one dtype: flash runs first', call(), env(), { outcome: 'runs', backend: 'sdpa.flash', status: { 'sdpa.flash': 'accepted' } }],
  ['mixed dtypes outside autocast raise before any kernel', call({ q: 'float32', k: 'float32', v: 'float16' }), env(), {
    outcome: 'raises', backend: null,
    error: 'Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: float and value.dtype: c10::Half instead.',
    status: { 'sdpa.flash': 'rejected', 'sdpa.efficient': 'rejected', 'sdpa.math': 'rejected' },
  }],
  ['mixed dtypes under autocast are cast to the autocast dtype', call({ q: 'float32', k: 'float32', v: 'float16', autocast: 'float16' }), env(), {
    outcome: 'runs', backend: 'sdpa.flash', notes: ['autocast casts q, k, v to float16'],
  }],
  ['autocast leaves float64 alone, so mixed float64 still raises', call({ q: 'float64', k: 'float16', v: 'float16', autocast: 'float16' }), env(), {
    outcome: 'raises',
    error: 'Expected query, key, and value to have the same dtype, but got query.dtype: double key.dtype: c10::Half and value.dtype: c10::Half instead.',
  }],
  ['a float mask must be bool, float or the query dtype', call({ mask: 'float', maskDtype: 'float64' }), env(), {
    outcome: 'raises',
    error: 'Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: double and  query.dtype: c10::Half instead.',
  }],
  ['a float32 mask with a float16 query passes validation, then the efficient kernel raises', call({ mask: 'float', maskDtype: 'float32' }), env(), {
    outcome: 'raises', error: "invalid dtype for bias - should match query's dtype", reasons: { 'sdpa.flash': FLASH_MASK },
  }],
  ['a float mask in the query dtype runs on the efficient kernel', call({ mask: 'float' }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient', reasons: { 'sdpa.flash': FLASH_MASK },
  }],
  ['a bool mask runs on the efficient kernel', call({ mask: 'bool' }), env(), { outcome: 'runs', backend: 'sdpa.efficient' }],
  ['attn_mask with is_causal raises on the math path (torch 2.0: efficient takes no mask)', call({ mask: 'bool', causal: true }), env({ torch: [2, 0] }), {
    outcome: 'raises', error: '_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True',
    reasons: { 'sdpa.efficient': FUSED_MASK },
  }],
  ['attn_mask with is_causal runs where the efficient kernel takes both (2.1+)', call({ mask: 'bool', causal: true }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient',
  }],
];

const flash: Row[] = [
  ['FLASH: no attn_mask', call({ mask: 'bool' }), env(), { outcome: 'runs', reasons: { 'sdpa.flash': FLASH_MASK } }],
  ['FLASH: attn_mask message of 2.0/2.1', call({ mask: 'bool' }), env({ torch: [2, 1] }), { outcome: 'runs', reasons: { 'sdpa.flash': FUSED_MASK } }],
  ['FLASH: float32 is rejected, efficient runs', call({ q: 'float32' }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': 'Expected query, key and value to all be of dtype: {Half, BFloat16}. Got Query dtype: float, Key dtype: float, and Value dtype: float instead.' },
  }],
  ['3-D inputs: every fused kernel refuses them, math runs', call({ rank: 3 }), env(), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: {
      'sdpa.flash': 'All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, Value dim: 3 instead.',
      'sdpa.efficient': 'All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, Value dim: 3 instead.',
    },
  }],
  ['3-D inputs: the 2.0/2.1 wording', call({ rank: 3 }), env({ torch: [2, 1] }), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.flash': 'Both fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, Value dim: 3 instead.' },
  }],
  ['4-D inputs shown by the code change nothing', call({ rank: 4 }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: bfloat16 runs on sm80', call({ q: 'bfloat16' }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: bfloat16 needs sm80 (2.1 on sm75 takes only Half)', call({ q: 'bfloat16' }), env({ torch: [2, 1], sm: 75 }), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: {
      'sdpa.flash': 'Expected query, key and value to all be of dtype: {Half}. Got Query dtype: c10::BFloat16, Key dtype: c10::BFloat16, and Value dtype: c10::BFloat16 instead.',
      'sdpa.efficient': 'Expected query, key and value to all be of dtype: {Half, Float}. Got Query dtype: c10::BFloat16, Key dtype: c10::BFloat16, and Value dtype: c10::BFloat16 instead.',
    },
  }],
  ['FLASH: float16 on sm75 with FlashAttention 1 (2.1)', call(), env({ torch: [2, 1], sm: 75 }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: head dim at most 256', call({ headDim: 512 }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': 'Flash attention requires q,k,v to have the same last dimension and to be less than or equal to 256. Got Query.size(-1): 512, Key.size(-1): 512, Value.size(-1): 512 instead.' },
  }],
  ['FLASH: equal head dims for q/k and v', call({ headDim: 64, headDimV: 128 }), env(), { outcome: 'runs', backend: 'sdpa.efficient', status: { 'sdpa.flash': 'rejected' } }],
  ['FLASH: 2.0/2.1 head dim at most 128', call({ headDim: 160 }), env({ torch: [2, 0] }), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': 'Flash attention requires q,k,v to have the same last dimension and to be a multiple of 8 and less than or equal to 128. Got Query.size(-1): 160, Key.size(-1): 160, Value.size(-1): 160 instead.' },
  }],
  ['FLASH: 2.0/2.1 head dim a multiple of 8', call({ headDim: 100 }), env({ torch: [2, 0] }), { outcome: 'runs', status: { 'sdpa.flash': 'rejected' } }],
  ['FLASH: head dim 160 is fine from 2.2', call({ headDim: 160 }), env({ torch: [2, 2] }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: GPU sm80–sm121 (2.7+, v2.9.1\'s rules)', call(), env({ torch: [2, 10], sm: 75 }), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': 'Flash attention only supports gpu architectures in the range [sm80, sm121]. Attempting to run on a sm 7.5 gpu.' },
  }],
  ['FLASH: GPU sm80–sm90 on 2.2–2.4', call(), env({ torch: [2, 4], sm: 100 }), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: {
      'sdpa.flash': 'Flash attention only supports gpu architectures in the range [sm80, sm90]. Attempting to run on a sm 10.0 gpu.',
      'sdpa.efficient': 'Mem Efficient Attention only supports gpu architectures in the range [sm50, sm90]. Attempting to run on a sm 10.0 gpu.',
    },
  }],
  ['FLASH: sm120 runs on 2.7+ (v2.9.1\'s rules)', call(), env({ torch: [2, 10], sm: 120 }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH and EFFICIENT: sm80–sm90 and sm50–sm90 on 2.6 (v2.6.0 read): sm120 runs math', call(), env({ torch: [2, 6], sm: 120 }), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: {
      'sdpa.flash': 'Flash attention only supports gpu architectures in the range [sm80, sm90]. Attempting to run on a sm 12.0 gpu.',
      'sdpa.efficient': 'Mem Efficient Attention only supports gpu architectures in the range [sm50, sm90]. Attempting to run on a sm 12.0 gpu.',
    },
  }],
  ['FLASH: not is_causal with Lq ≠ Lk', call({ causal: true, seqQ: 1, seqKv: 256 }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': 'Flash attention does not support the is_causal flag when seqlen_q != seqlen_k. Got seqlen_q: 1 seqlen_k: 256. If you would like to use causal attention with non-square masks, please see CausalAttnMask.' },
  }],
  ['FLASH: is_causal with Lq = Lk runs', call({ causal: true }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: is_causal with lengths unknown but shown equal runs', call({ causal: true, seqQ: U('`T`'), seqKv: U('`T`'), sameLength: true }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  // `is_causal=self.is_causal and q_len > 1`: either value is fine when the lengths are equal.
  ['FLASH: is_causal unknown with lengths shown equal runs', call({ causal: U('`q_len > 1`'), seqQ: U('`q_len`'), seqKv: U('`q_len`'), sameLength: true }), env(), {
    outcome: 'runs', backend: 'sdpa.flash',
  }],
  ['FLASH: is_causal unknown with lengths unknown depends', call({ causal: U('`q_len > 1`'), seqQ: U('`q_len`'), seqKv: U('`q_len`') }), env(), {
    outcome: 'depends', backend: 'sdpa.flash', reasons: { 'sdpa.flash': 'depends on `q_len > 1`' },
  }],
  ['FLASH: FlashAttention 1 (2.1) takes is_causal with Lq ≠ Lk', call({ causal: true, seqQ: 1, seqKv: 256 }), env({ torch: [2, 1] }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: training on sm86 with head dim in (192, 224] is excluded', call({ mode: 'train', headDim: 200 }), env({ sm: 86 }), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': "Flash attention currently doesn't support training with head_dim ∈ (192, 224] or (head_dim ∈ (224, 256] and dropout > 0.0) on gpu architectures in the range[sm86, sm89].Attempting to run with dropout set to: 0and head_dim: 200 on a sm 8.6 gpu." },
  }],
  ['FLASH: training on sm86 with head dim 192 (the open end) runs', call({ mode: 'train', headDim: 192 }), env({ sm: 86 }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: training on sm89 with head dim 224 (the closed end) is excluded', call({ mode: 'train', headDim: 224 }), env({ sm: 89 }), {
    outcome: 'runs', backend: 'sdpa.efficient', status: { 'sdpa.flash': 'rejected' },
  }],
  ['FLASH: training on sm120 with head dim > 224 and dropout is excluded; v2.9.1\'s warning names [sm86, sm89] there too', call({ mode: 'train', headDim: 256, dropout: 0.1 }), env({ torch: [2, 9], sm: 120 }), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': 'Flash attention currently doesn\'t support training with head_dim ∈ (192, 224] or (head_dim ∈ (224, 256] and dropout > 0.0) on gpu architectures in the range[sm86, sm89].Attempting to run with dropout set to: 0.1and head_dim: 256 on a sm 12.0 gpu.' },
  }],
  ['FLASH: training on sm86 with head dim > 224 and no dropout runs', call({ mode: 'train', headDim: 256 }), env({ sm: 86 }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: inference on sm86 with head dim 200 runs', call({ headDim: 200 }), env({ sm: 86 }), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: training on sm80 with head dim 200 runs', call({ mode: 'train', headDim: 200 }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['FLASH: 2.0 excludes training on sm86 with head dim > 64', call({ mode: 'train', headDim: 128 }), env({ torch: [2, 0], sm: 86 }), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': "Flash attention currently doesn't support training with head_dim greater than 64 on gpu architectures in the range[sm86, sm89].Attempting to run with head_dim: 128 on a sm 8.6 gpu." },
  }],
  ['FLASH: dropout is fine', call({ dropout: 0.1, mode: 'train' }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
];

const efficient: Row[] = [
  ['EFFICIENT: float32 runs', call({ q: 'float32' }), env(), { outcome: 'runs', backend: 'sdpa.efficient' }],
  ['EFFICIENT: bfloat16 needs sm80', call({ q: 'bfloat16', mask: 'bool' }), env({ sm: 75 }), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.efficient': 'Expected query, key and value to all be of dtype: {Half, Float}. Got Query dtype: c10::BFloat16, Key dtype: c10::BFloat16, and Value dtype: c10::BFloat16 instead.' },
  }],
  ['EFFICIENT: float16 head dim divisible by 8', call({ headDim: 36, mask: 'bool' }), env(), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.efficient': 'Mem efficient attention requires last dimension of inputs to be divisible by 8. Got Query.size(-1): 36, Key.size(-1): 36, Value.size(-1): 36 instead.' },
  }],
  ['EFFICIENT: float32 head dim divisible by 4', call({ q: 'float32', headDim: 36 }), env(), { outcome: 'runs', backend: 'sdpa.efficient' }],
  ['EFFICIENT: float32 head dim 30 is not', call({ q: 'float32', headDim: 30 }), env(), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.efficient': 'Mem efficient attention requires last dimension of inputs to be divisible by 4. Got Query.size(-1): 30, Key.size(-1): 30, Value.size(-1): 30 instead.' },
  }],
  ['EFFICIENT: GPU from sm50', call({ q: 'float32' }), env({ sm: 50 }), { outcome: 'runs', backend: 'sdpa.efficient' }],
  ['EFFICIENT: not below sm50', call({ q: 'float32' }), env({ torch: [2, 10], sm: 37 }), {
    outcome: 'runs', backend: 'sdpa.math',
    reasons: { 'sdpa.efficient': 'Mem Efficient Attention only supports gpu architectures in the range [sm50, sm121]. Attempting to run on a sm 3.7 gpu.' },
  }],
  ['EFFICIENT: no masks before 2.1', call({ mask: 'bool' }), env({ torch: [2, 0] }), { outcome: 'runs', backend: 'sdpa.math', reasons: { 'sdpa.efficient': FUSED_MASK } }],
  ['EFFICIENT: masks of any broadcastable shape since 2.1', call({ mask: 'float', maskShape: [1, 1, 128, 128] }), env({ torch: [2, 1] }), { outcome: 'runs', backend: 'sdpa.efficient' }],
  ['EFFICIENT: no dropout before 2.1', call({ q: 'float32', dropout: 0.1, mode: 'train' }), env({ torch: [2, 0] }), {
    outcome: 'runs', backend: 'sdpa.math', reasons: { 'sdpa.efficient': 'Mem_efficient does not support non_zero dropout. Dropout_p: 0.1' },
  }],
  ['EFFICIENT: dropout since 2.1', call({ q: 'float32', dropout: 0.1, mode: 'train' }), env({ torch: [2, 1] }), { outcome: 'runs', backend: 'sdpa.efficient' }],
];

/** v2.9.1 (Ubuntu's pytorch_2.9.1+dfsg.orig.tar.xz), read for 2.9 and taken for 2.7, 2.8 and 2.10. */
const V29 = (sm: number, cudnn: readonly [number, number]) => env({ torch: [2, 9], sm, cudnn });
const cudnn: Row[] = [
  ['CUDNN: not a candidate on sm80', call(), env(), { outcome: 'runs', backend: 'sdpa.flash', absent: ['sdpa.cudnn'] }],
  ['CUDNN: first on sm90 with cuDNN 9.9 or newer', call(), V29(90, [9, 9]), { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN: first on sm100 too', call(), V29(100, [9, 10]), { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN: not first on sm103 (only minor 0 of major 9 and 10)', call(), V29(103, [9, 16]), { outcome: 'runs', backend: 'sdpa.flash', absent: ['sdpa.cudnn'] }],
  ['CUDNN: not first with cuDNN older than 9.9', call(), V29(90, [9, 8]), {
    outcome: 'runs', backend: 'sdpa.flash', reasons: { 'sdpa.cudnn': 'cuDNN attention is tried first only with cuDNN 9.9.0 or newer (have 9.8)' },
  }],
  ['CUDNN: not a candidate before 2.5', call(), env({ torch: [2, 4], sm: 90, cudnn: [9, 16] }), { outcome: 'runs', backend: 'sdpa.flash', absent: ['sdpa.cudnn'] }],
  ['CUDNN: unstated cuDNN version on sm90 depends', call(), env({ torch: [2, 9], sm: 90 }), {
    outcome: 'depends', backend: 'sdpa.cudnn',
    reasons: { 'sdpa.cudnn': 'depends on the cuDNN version (SDPA tries cuDNN first only when built with cuDNN 9.9.0 or newer)' },
  }],
  ['CUDNN: fp16/bf16 only', call({ q: 'float32' }), V29(90, [9, 10]), { outcome: 'runs', backend: 'sdpa.efficient', status: { 'sdpa.cudnn': 'rejected' } }],
  ['CUDNN: head dim a multiple of 8', call({ headDim: 100 }), V29(90, [9, 10]), {
    outcome: 'runs', backend: 'sdpa.flash', reasons: { 'sdpa.cudnn': 'head_dim should be a multiple of 8' },
  }],
  ['CUDNN: head dim at most 128 before cuDNN 9.10', call({ headDim: 256 }), V29(90, [9, 9]), {
    outcome: 'runs', backend: 'sdpa.flash', reasons: { 'sdpa.cudnn': 'head_dim should be no more than 128' },
  }],
  ['CUDNN: head dim up to 256 on sm90 from cuDNN 9.10', call({ headDim: 256 }), V29(90, [9, 10]), { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN: not above 256 even then', call({ headDim: 512 }), V29(90, [9, 10]), {
    outcome: 'runs', backend: 'sdpa.efficient', reasons: { 'sdpa.cudnn': 'head_dim should be no more than 256' },
  }],
  ['CUDNN: at most 128 on sm100 whatever the cuDNN version', call({ headDim: 256 }), V29(100, [9, 23]), {
    outcome: 'runs', backend: 'sdpa.flash', reasons: { 'sdpa.cudnn': 'head_dim should be no more than 128' },
  }],
  ['CUDNN: no (192, 128) exception', call({ headDim: 192, headDimV: 128 }), V29(100, [9, 16]), {
    outcome: 'runs', backend: 'sdpa.efficient', reasons: { 'sdpa.cudnn': 'head_dim should be no more than 128' },
  }],
  ['CUDNN: no backward check: training with (256, 128) head dims on sm90 runs it', call({ headDim: 256, headDimV: 128, mode: 'train' }), V29(90, [9, 10]), { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN: no key/value length 1', call({ seqQ: 512, seqKv: 1 }), V29(90, [9, 10]), {
    outcome: 'runs', backend: 'sdpa.flash', reasons: { 'sdpa.cudnn': 'cudnn SDPA does not support key/value sequence length 1.' },
  }],
  ['CUDNN: query length 1 is fine without dropout (decode)', call({ seqQ: 1, seqKv: 512 }), V29(90, [9, 10]), { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN: query length 1 with dropout', call({ seqQ: 1, seqKv: 512, dropout: 0.125, mode: 'train' }), V29(90, [9, 10]), {
    outcome: 'runs', backend: 'sdpa.flash', reasons: { 'sdpa.cudnn': 'cudnn SDPA does not support query sequence length 1 with dropout.' },
  }],
  ['CUDNN: no head-count limit (65535 is main\'s)', call({ heads: 70000 }), V29(90, [9, 10]), { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN: no dropout on cuDNN 9.12 (the SDPA check is on 9.11–9.13)', call({ dropout: 0.125, mode: 'train' }), V29(90, [9, 12]), {
    outcome: 'runs', backend: 'sdpa.flash', reasons: { 'sdpa.cudnn': '91200 cuDNN version does not support droppout in SDPA (9.11 - 9.13).' },
  }],
  ['CUDNN: cuDNN 9.11 itself with dropout: its patch decides', call({ dropout: 0.125, mode: 'train' }), V29(90, [9, 11]), {
    outcome: 'depends', backend: 'sdpa.cudnn', reasons: { 'sdpa.cudnn': 'depends on the cuDNN patch version (newer than 9.11.0?)' },
  }],
  ['CUDNN: no 1/16 dropout rule (main\'s)', call({ dropout: 0.1, mode: 'train' }), V29(90, [9, 10]), { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN: 2-D or 4-D masks', call({ mask: 'bool', maskShape: [2, 128, 128] }), V29(90, [9, 10]), {
    outcome: 'runs', backend: 'sdpa.efficient', reasons: { 'sdpa.cudnn': MASK_SHAPES },
  }],
  ['CUDNN: sm80–sm121 where it is the only kernel on', call({ sdpaBackends: { enabled: { flash: known(false, 'test'), efficient: known(false, 'test'), math: known(false, 'test') } } }), V29(75, [9, 10]), {
    outcome: 'raises', reasons: { 'sdpa.cudnn': 'cuDNN MHA only supports gpu architectures in the range [sm80, sm121]. Attempting to run on a sm 7.5 gpu.' },
  }],
  ['CUDNN: 2.10 takes v2.9.1\'s rules (cuDNN 9.10 goes first on sm90)', call(), env({ torch: [2, 10], sm: 90, cudnn: [9, 10] }), { outcome: 'runs', backend: 'sdpa.cudnn' }],
];

/** v2.6.0 (Debian's pytorch_2.6.0+dfsg.orig.tar.xz): cuDNN last, after math, with that release's checks; 2.5 takes them too. */
const ONLY_CUDNN = { sdpaBackends: { enabled: { flash: known(false, 'test'), efficient: known(false, 'test'), math: known(false, 'test') } } };
const NO_MATH = { sdpaBackends: { enabled: { math: known(false, 'test') } } };
const V26 = env({ torch: [2, 6], sm: 90 });
const cudnn26: Row[] = [
  ['CUDNN 2.6: never first, even on sm90 with a new cuDNN', call(), env({ torch: [2, 6], sm: 90, cudnn: [9, 16] }), { outcome: 'runs', backend: 'sdpa.flash', absent: ['sdpa.cudnn'] }],
  ['CUDNN 2.5: v2.6.0\'s order', call(), env({ torch: [2, 5], sm: 90, cudnn: [9, 16] }), { outcome: 'runs', backend: 'sdpa.flash', absent: ['sdpa.cudnn'] }],
  ['CUDNN 2.6: last, after math: reached with math off', call({ q: 'float32', headDim: 30, ...NO_MATH }), V26, {
    outcome: 'raises', error: 'No available kernel. Aborting execution.',
    reasons: { 'sdpa.cudnn': 'head_dim should be a multiple of 8' },
  }],
  ['CUDNN 2.6: runs where it is the only kernel on', call(ONLY_CUDNN), V26, { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN 2.6: head dims at most 128 whatever the cuDNN version', call({ headDim: 256, ...ONLY_CUDNN }), env({ torch: [2, 6], sm: 90, cudnn: [9, 23] }), {
    outcome: 'raises', reasons: { 'sdpa.cudnn': 'head_dim should be no more than 128' },
  }],
  ['CUDNN 2.6: a query of length 1 too (decode), without dropout', call({ seqQ: 1, seqKv: 512, ...ONLY_CUDNN }), V26, {
    outcome: 'raises', reasons: { 'sdpa.cudnn': 'cudnn SDPA does not support sequence length 1.' },
  }],
  ['CUDNN 2.6: a 3-D mask, in ATen\'s words', call({ mask: 'bool', maskShape: [2, 128, 128], ...ONLY_CUDNN }), V26, {
    outcome: 'raises', reasons: { 'sdpa.cudnn': MASK_SHAPES },
  }],
  ['CUDNN 2.6: sm80–sm90, its last check', call(ONLY_CUDNN), env({ torch: [2, 6], sm: 100 }), {
    outcome: 'raises', reasons: { 'sdpa.cudnn': 'cuDNN MHA only supports gpu architectures in the range [sm80, sm90]. Attempting to run on a sm 10.0 gpu.' },
  }],
  ['CUDNN 2.6: no head-count check (grouped heads without enable_gqa pass it)', call({ heads: 32, kvHeads: 8, ...ONLY_CUDNN }), V26, { outcome: 'runs', backend: 'sdpa.cudnn' }],
  ['CUDNN 2.6: no 1/16 dropout rule', call({ dropout: 0.1, mode: 'train', ...ONLY_CUDNN }), V26, { outcome: 'runs', backend: 'sdpa.cudnn' }],
];

const math: Row[] = [
  ['MATH: takes anything and materialises the score matrix', call({ q: 'float64' }), env(), {
    outcome: 'runs', backend: 'sdpa.math', notes: ['materialises the 128×128 score matrix'],
  }],
];

const UNREAD = (v: string) => `torch ${v}'s own sdp_utils.cpp was not read: these rules are v2.9.1's, the nearest release read`;
const UNREAD_2_5 = 'torch 2.5\'s own sdp_utils.cpp was not read: these rules are v2.6.0\'s, which a 2.5-era commit (21c3369e) agrees with; 2.5.0 may still try cuDNN first on sm90 and newer (v2.6.0 says it stopped that over pytorch#138340)';

describe('dispatch: SDPA on CUDA', () => {
  it('says where a release\'s own source was not read: 2.7, 2.8 and 2.10 always, 2.5 where cuDNN may matter (sm90 and newer); 2.6 and 2.9 were read', () => {
    const notes = (torch: readonly [number, number], sm: number) => decide(call(), env({ torch, sm })).notes;
    assert.deepEqual(notes([2, 7], 80), [UNREAD('2.7')]);
    assert.deepEqual(notes([2, 8], 90), [UNREAD('2.8')]);
    assert.deepEqual(notes([2, 9], 120), []);
    assert.deepEqual(notes([2, 10], 120), [UNREAD('2.10')]);
    assert.deepEqual(notes([2, 5], 90), [UNREAD_2_5]);
    assert.deepEqual(notes([2, 6], 90), []);
    assert.deepEqual(notes([2, 5], 80), []);
    assert.deepEqual(notes([2, 4], 90), []);
  });
  describe('validation', () => runRows(validation));
  describe('FLASH', () => runRows(flash));
  describe('EFFICIENT', () => runRows(efficient));
  describe('CUDNN', () => runRows(cudnn));
  describe('CUDNN on 2.5–2.6', () => runRows(cudnn26));
  describe('MATH', () => runRows(math));
});
