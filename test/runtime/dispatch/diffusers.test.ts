/** diffusers' `dispatch_attention_fn`: the backend routes the call to its library's policy (docs/dispatch.md, attention_dispatch.py at 58eb52c0). */
import type { CallFacts, DiffusersDispatch, Fact } from '../../../runtime/dispatch/facts';
import { known } from '../../../runtime/dispatch/facts';
import { call, env, runRows, U, type CallSpec, type Row } from './call';

/** A call with its backend, passed as `backend=` (not checked for its package) unless `more` says otherwise. */
function dispatch(backend: Fact<string> | string, spec: CallSpec = {}, more: Partial<DiffusersDispatch> = {}): CallFacts {
  const facts: DiffusersDispatch = { backend: typeof backend === 'string' ? known(backend, 'test') : backend, checked: known(false, 'test'), ...more };
  return { ...call({ api: 'dispatch_attention_fn', layout: 'BLHD', ...spec }), diffusers: facts };
}

/** Set by `attention_backend(…)` / `set_attention_backend(…)`, which check the package. */
const SET = { checked: known(true, 'test') };

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
  ['flash set by attention_backend without flash-attn: diffusers\' requirement raises where it is set, before the mask check', dispatch('flash', { q: 'float16', mask: 'bool' }, SET), env({ flashAttn: false }), {
    outcome: 'raises', error: "Flash Attention backend 'flash' is not usable because of missing package or the version is too old. Please install `flash-attn>=2.6.3`.",
  }],
  ['flash passed as backend= without flash-attn: the mask raise first, else flash_attn_func is None', dispatch('flash', { q: 'float16', mask: 'bool' }), env({ flashAttn: false }), {
    outcome: 'raises', error: '`attn_mask` is not supported for flash-attn 2.',
  }],
  ['flash passed as backend= without flash-attn and without a mask: Python\'s TypeError, not flash-attn\'s import error', dispatch('flash', { q: 'float16' }), env({ flashAttn: false }), {
    outcome: 'raises', error: "TypeError: 'NoneType' object is not callable",
  }],
  ['flash with flash-attn installed or not unknown: depends on it, whoever set it', dispatch('flash', { q: 'float16' }, SET), env({ flashAttn: U('whether flash_attn is installed') }), {
    outcome: 'depends', status: { 'flash_attn.fa2': 'depends' },
  }],
  ['xformers passed as backend= without xformers: is_causal uses xops first', dispatch('xformers', { q: 'float16', causal: true }), env({ xformers: false }), {
    outcome: 'raises', error: "AttributeError: 'NoneType' object has no attribute 'LowerTriangularMask'",
  }],
  ['xformers passed as backend= without xformers: a 3-D mask raises before xops is used', dispatch('xformers', { q: 'float16', mask: 'float', maskShape: [2, 128, 128] }), env({ xformers: false }), {
    outcome: 'raises', error: 'Only 2D and 4D attention masks are supported for xformers attention.',
  }],
  ['xformers passed as backend= without xformers, no mask', dispatch('xformers', { q: 'float16' }), env({ xformers: false }), {
    outcome: 'raises', error: "AttributeError: 'NoneType' object has no attribute 'memory_efficient_attention'",
  }],
  ['xformers set by set_attention_backend without xformers', dispatch('xformers', { q: 'float16' }, SET), env({ xformers: false }), {
    outcome: 'raises', error: "Xformers Attention backend 'xformers' is not usable because of missing package or the version is too old. Please install `xformers>=0.0.29`.",
  }],
  ['flex set by attention_backend on torch 2.4: its requirement raises; flex is otherwise not judged', dispatch('flex', { q: 'float16' }, SET), env({ torch: [2, 4] }), {
    outcome: 'raises', error: "Flex Attention backend 'flex' is not usable because of missing package or the version is too old. Please install `torch>=2.5.0`.",
  }],
  ['flash_varlen set without flash-attn: the requirement flash has, in its own name; flash_varlen is otherwise not judged', dispatch('flash_varlen', { q: 'float16' }, SET), env({ flashAttn: false }), {
    outcome: 'raises', error: "Flash Attention backend 'flash_varlen' is not usable because of missing package or the version is too old. Please install `flash-attn>=2.6.3`.",
  }],
  ['flash_varlen with flash-attn: named, not judged', dispatch('flash_varlen', { q: 'float16' }, SET), env({ flashAttn: true }), {
    outcome: 'runs', backend: 'diffusers.flash_varlen',
  }],
  ['flex on torch 2.5: named, not judged', dispatch('flex', { q: 'float16' }, SET), env(), {
    outcome: 'runs', backend: 'diffusers.flex',
  }],
  ['_check_shape: k\'s head size differs from q\'s (a note: DIFFUSERS_ATTN_CHECKS=1)', dispatch('native', { q: 'float16', headDim: 64 }, { keyHeadDim: known(128, 'test') }), env(), {
    outcome: 'runs', backend: 'sdpa.flash', notes: ['with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "Query and key must have the same head dimension."'],
  }],
  ['_check_shape: k and v lengths differ', dispatch('_native_math', { q: 'float16' }, { keyLength: known(77, 'test'), valueLength: known(128, 'test') }), env(), {
    outcome: 'runs', backend: 'sdpa.math', notes: ['with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "Key and value must have the same sequence length."'],
  }],
  ['_check_shape: the mask\'s last dim is not k\'s length', dispatch('native', { q: 'float16', mask: 'bool', maskShape: [2, 1, 1, 77] }, { keyLength: known(128, 'test'), valueLength: known(128, 'test') }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient', notes: ['with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "Attention mask must match the key\'s sequence length."'],
  }],
  ['an unknown backend depends on what sets it', dispatch(U('the backend `cfg.backend`'), { q: 'float16' }), env(), {
    outcome: 'depends', backend: 'diffusers.backend',
  }],
];

describe('dispatch policy: diffusers dispatch_attention_fn', () => runRows(rows));
