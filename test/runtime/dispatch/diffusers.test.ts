/** diffusers' `dispatch_attention_fn`: the backend routes the call to its library's policy (docs/dispatch.md, attention_dispatch.py at 58eb52c0). */
import type { CallFacts, Fact } from '../../../runtime/dispatch/facts';
import { known } from '../../../runtime/dispatch/facts';
import { call, env, runRows, U, type CallSpec, type Row } from './call';

function dispatch(backend: Fact<string> | string, spec: CallSpec = {}): CallFacts {
  return { ...call({ api: 'dispatch_attention_fn', layout: 'BLHD', ...spec }), diffusers: { backend: typeof backend === 'string' ? known(backend, 'test') : backend } };
}

const rows: Row[] = [
  ['native: SDPA decides, on (B, H, L, D) after diffusers permutes', dispatch('native', { q: 'float16' }), env(), {
    outcome: 'runs', backend: 'sdpa.flash', notes: ['diffusers backend "native" (test)'],
  }],
  ['_native_math forces SDPA\'s math kernel', dispatch('_native_math', { q: 'float16' }), env(), {
    outcome: 'runs', backend: 'sdpa.math', reasons: { 'sdpa.flash': 'Flash attention has been runtime disabled. (diffusers backend "_native_math" (test) runs SDPA in sdpa_kernel(SDPBackend.MATH) (attention_dispatch.py at diffusers 58eb52c0))' },
  }],
  ['_native_flash with a mask raises in diffusers\' words before SDPA', dispatch('_native_flash', { q: 'float16', mask: 'bool' }), env(), {
    outcome: 'raises', error: '`attn_mask` is not supported for native flash attention',
  }],
  ['flash with a mask raises in diffusers\' words', dispatch('flash', { q: 'bfloat16', mask: 'float', maskDtype: 'bfloat16' }), env(), {
    outcome: 'raises', error: '`attn_mask` is not supported for flash-attn 2.',
  }],
  ['flash in float32: flash-attn raises; DIFFUSERS_ATTN_CHECKS=1 would raise first', dispatch('flash', { q: 'float32' }), env(), {
    outcome: 'raises', error: 'FlashAttention only support fp16 and bf16 data type',
    notes: ['with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "Query, key, and value must be either bfloat16 or float16."'],
  }],
  ['_flash_3 drops dropout_p', dispatch('_flash_3', { q: 'bfloat16', dropout: 0.1 }), env({ sm: 90 }), {
    outcome: 'runs', backend: 'flash_attn.fa3', notes: ['does not take dropout_p: dispatch_attention_fn drops it'],
  }],
  ['xformers without is_causal: a 3-D mask raises in diffusers\' words', dispatch('xformers', { q: 'float16', mask: 'float', maskDtype: 'float16', maskShape: [2, 128, 128] }), env(), {
    outcome: 'raises', error: 'Only 2D and 4D attention masks are supported for xformers attention.',
  }],
  ['xformers with is_causal: the mask is xformers\' LowerTriangularMask, so its flash operator runs', dispatch('xformers', { q: 'float16', causal: true }), env(), {
    outcome: 'runs', backend: 'xformers.fa2',
  }],
  ['a backend not modelled is named, not judged', dispatch('sage', { q: 'float16' }), env(), {
    outcome: 'runs', backend: 'diffusers.sage', notes: ['is not modelled'],
  }],
  ['an unknown backend depends on what sets it', dispatch(U('the backend `cfg.backend`'), { q: 'float16' }), env(), {
    outcome: 'depends', backend: 'diffusers.backend',
  }],
];

describe('dispatch policy: diffusers dispatch_attention_fn', () => runRows(rows));
