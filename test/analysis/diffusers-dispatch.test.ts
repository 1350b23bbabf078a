/**
 * diffusers' `dispatch_attention_fn`: found as an attention call whose backend comes from `backend=`,
 * `attention_backend(…)`, `set_attention_backend(…)` or the default (native SDPA), decided by the
 * library the backend calls behind diffusers' own raises (attention_dispatch.py at diffusers 58eb52c0).
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { annotate, SETTINGS, sitesOf, sitesOfSource } from './helpers';

const SAMPLING = 'diffusers-dispatch/sampling.py';
const TRANSFORMER = 'diffusers-dispatch/image_transformer.py';
const SET_IN_CALLEE = 'diffusers-dispatch/set_in_callee.py';
const REQUIREMENTS = 'diffusers-dispatch/requirements.py';
const KV_CACHE = 'diffusers-dispatch/kv_cache.py';
const OFF = { ...SETTINGS, autocast: 'off' as const };

async function findings(name: string, settings = OFF): Promise<string[]> {
  const sites = await sitesOf([name], settings);
  return sites.flatMap((s) => callReport(s, environmentOf(settings)).findings
    .filter((f) => f.code === 'diffusers-backend' || f.code === 'dtype-unsupported')
    .map((f) => `${f.span.line} ${f.severity} ${f.code}: ${f.message}`));
}

describe('analysis: diffusers dispatch_attention_fn', () => {
  it('takes its backend from backend=, attention_backend(…) as a with or a decorator, set_attention_backend(…) or the default', async () => {
    assert.deepEqual(annotate(await sitesOf([SAMPLING], OFF)), [
      'diffusers-dispatch/sampling.py:14:12 dispatch_attention_fn sample_default',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      'diffusers-dispatch/sampling.py:22:16 dispatch_attention_fn sample_native_flash',
      '  train reached=false bf16,bf16,bf16 mask=bool causal=false p=0 layout=? H=16 D=64 → raises: `attn_mask` is not supported for native flash attention',
      '  infer reached=true bf16,bf16,bf16 mask=bool causal=false p=0 layout=? H=16 D=64 → raises: `attn_mask` is not supported for native flash attention',
      '  diffusers-backend error infer 22:57 `dispatch_attention_fn` raises "`attn_mask` is not supported for native flash attention" on the inference path: diffusers backend "_native_flash" (`attention_backend("_native_flash")` at sampling.py:21), attention_dispatch.py at diffusers 58eb52c0 (inference path: @torch.no_grad() on sample_native_flash)',
      'diffusers-dispatch/sampling.py:29:12 dispatch_attention_fn sample_set_backend',
      '  train reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=16 D=64 → raises: FlashAttention only support fp16 and bf16 data type',
      '  infer reached=true fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=16 D=64 → raises: FlashAttention only support fp16 and bf16 data type',
      '  diffusers-backend information infer 29:12 diffusers backend "flash" (`model.set_attention_backend("FLASH")` at sampling.py:27): with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "Query, key, and value must be either bfloat16 or float16." (its constraints, off by default; attention_dispatch.py at diffusers 58eb52c0) (inference path: @torch.no_grad() on sample_set_backend)',
      '  dtype-unsupported error infer 29:34 dispatch_attention_fn: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 (`.float()` at sampling.py:28); `k` is float32 (`.float()` at sampling.py:28); `v` is float32 (`.float()` at sampling.py:28) (inference path: @torch.no_grad() on sample_set_backend)',
      'diffusers-dispatch/sampling.py:36:16 dispatch_attention_fn sample_sage',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → sage',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → sage',
      "  diffusers-backend information infer 36:16 diffusers backend \"sage\" (`attention_backend(\"sage\")` at sampling.py:35) is not modelled: its kernel's checks are not read, so this call is not judged",
      'diffusers-dispatch/sampling.py:41:12 dispatch_attention_fn train_flash3',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0.1 layout=? H=16 D=64 → fa3',
      '  infer reached=false bf16,bf16,bf16 mask=none causal=false p=0.1 layout=? H=16 D=64 → fa3',
      '  diffusers-backend warning train 41:12 diffusers backend "_flash_3" does not take dropout_p: dispatch_attention_fn drops it without a word (it logs the removal only with DIFFUSERS_ATTN_CHECKS=1) on the training path (training path: the name `train_flash3`)',
      'diffusers-dispatch/sampling.py:47:12 dispatch_attention_fn sample_decorated',
      '  train reached=false bf16,bf16,bf16 mask=none causal=true p=0 layout=? H=16 D=64 → cudnn (flash off: runtime disabled)',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=? H=16 D=64 → cudnn (flash off: runtime disabled)',
    ]);
  });

  it('reports diffusers\' own raises, dropped arguments, its checks and backends not modelled in its words', async () => {
    assert.deepEqual(await findings(SAMPLING), [
      '22 error diffusers-backend: `dispatch_attention_fn` raises "`attn_mask` is not supported for native flash attention" on the inference path: diffusers backend "_native_flash" (`attention_backend("_native_flash")` at sampling.py:21), attention_dispatch.py at diffusers 58eb52c0 (inference path: @torch.no_grad() on sample_native_flash)',
      '29 information diffusers-backend: diffusers backend "flash" (`model.set_attention_backend("FLASH")` at sampling.py:27): with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "Query, key, and value must be either bfloat16 or float16." (its constraints, off by default; attention_dispatch.py at diffusers 58eb52c0) (inference path: @torch.no_grad() on sample_set_backend)',
      '29 error dtype-unsupported: dispatch_attention_fn: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 (`.float()` at sampling.py:28); `k` is float32 (`.float()` at sampling.py:28); `v` is float32 (`.float()` at sampling.py:28) (inference path: @torch.no_grad() on sample_set_backend)',
      "36 information diffusers-backend: diffusers backend \"sage\" (`attention_backend(\"sage\")` at sampling.py:35) is not modelled: its kernel's checks are not read, so this call is not judged",
      '41 warning diffusers-backend: diffusers backend "_flash_3" does not take dropout_p: dispatch_attention_fn drops it without a word (it logs the removal only with DIFFUSERS_ATTN_CHECKS=1) on the training path (training path: the name `train_flash3`)',
    ]);
  });

  it('reads a processor\'s backend=self._attention_backend and an AttentionBackendName member', async () => {
    assert.deepEqual(annotate(await sitesOf([TRANSFORMER], OFF)), [
      'diffusers-dispatch/image_transformer.py:16:15 dispatch_attention_fn JointAttnProcessor.__call__',
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → efficient (flash off: float32) if D is a multiple of 4 (D: the head size of q and of v, taken equal) · math (flash off: float32) if D is not a multiple of 4',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → efficient (flash off: float32) if D is a multiple of 4 (D: the head size of q and of v, taken equal) · math (flash off: float32) if D is not a multiple of 4',
      'diffusers-dispatch/image_transformer.py:50:16 dispatch_attention_fn CrossAttention.forward',
      '  train reached=false fp32,fp32,fp32 mask=float causal=false p=0 layout=BLHD H=? D=? → raises: `attn_mask` is not supported for flash-attn 2.',
      '  infer reached=true fp16,fp16,fp16 mask=bool causal=false p=0 layout=BLHD H=8 D=128 → raises: `attn_mask` is not supported for flash-attn 2.',
      '  diffusers-backend error infer 50:57 `dispatch_attention_fn` raises "`attn_mask` is not supported for flash-attn 2." on the inference path: diffusers backend "flash" (backend=AttentionBackendName.FLASH), attention_dispatch.py at diffusers 58eb52c0 (inference path: @torch.no_grad() on sample_masked)',
    ]);
    assert.deepEqual(await findings(TRANSFORMER), [
      '50 error diffusers-backend: `dispatch_attention_fn` raises "`attn_mask` is not supported for flash-attn 2." on the inference path: diffusers backend "flash" (backend=AttentionBackendName.FLASH), attention_dispatch.py at diffusers 58eb52c0 (inference path: @torch.no_grad() on sample_masked)',
    ]);
  });

  it('finds a call through a relative import the files do not resolve, and routes xformers\' causal mask', async () => {
    const source = [
      'import torch',
      'from ..attention_dispatch import dispatch_attention_fn',
      '',
      '@torch.no_grad()',
      'def sample(x):',
      '    q = x.half().view(2, 128, 8, 64)',
      '    mask = torch.zeros(2, 128, dtype=torch.float16, device="cuda")',
      '    return dispatch_attention_fn(q, q, q, attn_mask=mask, is_causal=True, backend="xformers")',
    ].join('\n');
    const sites = await sitesOfSource(source, OFF);
    assert.deepEqual(annotate(sites), [
      'snippet.py:8:12 dispatch_attention_fn sample',
      "  train reached=false fp16,fp16,fp16 mask=float causal=true p=0 layout=? H=8 D=64 → fa2 if xformers is installed · raises: AttributeError: 'NoneType' object has no attribute 'LowerTriangularMask' if xformers is not installed",
      "  infer reached=true fp16,fp16,fp16 mask=float causal=true p=0 layout=? H=8 D=64 → fa2 if xformers is installed · raises: AttributeError: 'NoneType' object has no attribute 'LowerTriangularMask' if xformers is not installed",
      '  diffusers-backend warning infer 8:12 diffusers backend "xformers" (backend="xformers"): with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "`is_causal` cannot be True when `attn_mask` is not None." (its constraints, off by default; attention_dispatch.py at diffusers 58eb52c0); without them the xformers backend ignores attn_mask when is_causal=True: it passes xops.LowerTriangularMask() instead (inference path: @torch.no_grad() on sample)',
    ]);
    assert.deepEqual(callReport(sites[0]!, environmentOf(OFF)).findings.map((f) => `${f.severity} ${f.code}: ${f.message}`), [
      'warning diffusers-backend: diffusers backend "xformers" (backend="xformers"): with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: "`is_causal` cannot be True when `attn_mask` is not None." (its constraints, off by default; attention_dispatch.py at diffusers 58eb52c0); without them the xformers backend ignores attn_mask when is_causal=True: it passes xops.LowerTriangularMask() instead (inference path: @torch.no_grad() on sample)',
    ]);
  });

  it('in diffusers\' own tree, reads calls of the workspace dispatch_attention_fn as the API, members of its enum as backends', async () => {
    const tree = ['diffusers-dispatch/tree/attention_dispatch.py', 'diffusers-dispatch/tree/transformer_video.py'];
    const sites = (await sitesOf(tree, OFF)).filter((s) => s.api === 'dispatch_attention_fn');
    assert.deepEqual(annotate(sites), [
      'diffusers-dispatch/tree/transformer_video.py:10:16 dispatch_attention_fn VideoAttnProcessor.__call__',
      '  train reached=false fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → efficient (flash off: float32) if D is a multiple of 4 (D: the head size of q and of v, taken equal) · math (flash off: float32) if D is not a multiple of 4',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=24 D=128 → flash',
      'diffusers-dispatch/tree/transformer_video.py:16:12 dispatch_attention_fn denoise',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=24 D=128 → math (flash off: runtime disabled)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=24 D=128 → math (flash off: runtime disabled)',
    ]);
  });

  it('on the native backend, a mask keeps SDPA off flash: mask-disables-flash in SDPA\'s words', async () => {
    const source = [
      'import torch',
      'from diffusers.models.attention_dispatch import dispatch_attention_fn',
      '',
      '@torch.no_grad()',
      'def sample(x):',
      '    q = x.half().view(2, 128, 8, 64)',
      '    mask = torch.zeros(2, 1, 128, 128, dtype=torch.float16, device="cuda")',
      '    return dispatch_attention_fn(q, q, q, attn_mask=mask)',
    ].join('\n');
    const [site] = await sitesOfSource(source, OFF);
    assert.deepEqual(callReport(site!, environmentOf(OFF)).findings.map((f) => `${f.severity} ${f.code}: ${f.message}`), [
      'information mask-disables-flash: Flash is off on the inference path: `mask` is a float tensor (`zeros` at snippet.py:7); diffusers\' native backend passes it to SDPA: '
        + '"Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel',
    ]);
  });

  it('takes the backend set_attention_backend(…) sets in a function the path calls, or in a constructor; reset_attention_backend() keeps the active one', async () => {
    assert.deepEqual(annotate(await sitesOf([SET_IN_CALLEE], OFF)), [
      'diffusers-dispatch/set_in_callee.py:28:12 dispatch_attention_fn sample_after_setup',
      "  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → fa2 if flash_attn is installed · raises: Flash Attention backend 'flash' is not usable because of missing package or the… if flash_attn is not installed",
      "  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → fa2 if flash_attn is installed · raises: Flash Attention backend 'flash' is not usable because of missing package or the… if flash_attn is not installed",
      "  diffusers-backend warning infer 28:12 diffusers raises \"Flash Attention backend 'flash' is not usable because of missing package or the version is too old. Please install `flash-attn>=2.6.3`.\" where it sets the backend, before `dispatch_attention_fn` runs on the inference path: diffusers backend \"flash\" (`model.set_attention_backend(\"flash\")` at set_in_callee.py:10, in `use_flash` called at set_in_callee.py:26), attention_dispatch.py at diffusers 58eb52c0 (inference path: @torch.no_grad() on sample_after_setup) (if flash_attn is not installed)",
      'diffusers-dispatch/set_in_callee.py:35:12 dispatch_attention_fn sample_configured',
      "  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → backend? (depends on `fast` (_native_cudnn from `model.set_attention_backend(\"_native_cudnn\")` at set_in_callee.py:15; native from diffusers' default backend, DIFFUSERS_ATTN_BACKEND unset), in `configure` called at set_in_callee.py:33)",
      "  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → backend? (depends on `fast` (_native_cudnn from `model.set_attention_backend(\"_native_cudnn\")` at set_in_callee.py:15; native from diffusers' default backend, DIFFUSERS_ATTN_BACKEND unset), in `configure` called at set_in_callee.py:33)",
      'diffusers-dispatch/set_in_callee.py:42:12 dispatch_attention_fn sample_pipeline',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → math (flash off: runtime disabled)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → math (flash off: runtime disabled)',
      'diffusers-dispatch/set_in_callee.py:50:12 dispatch_attention_fn sample_after_reset',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → efficient (flash off: runtime disabled)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → efficient (flash off: runtime disabled)',
    ]);
  });

  it('raises diffusers\' package requirement where attention_backend(…) or set_attention_backend(…) in a called function sets the backend (flash, flash_varlen), Python\'s TypeError where backend= skipped it; _check_shape as a note', async () => {
    const noFlash = { ...OFF, installed: { flash_attn: false, xformers: null } };
    assert.deepEqual(await findings(REQUIREMENTS, noFlash), [
      "14 error diffusers-backend: diffusers raises \"Flash Attention backend 'flash' is not usable because of missing package or the version is too old. Please install `flash-attn>=2.6.3`.\" where it sets the backend, before `dispatch_attention_fn` runs on the inference path: diffusers backend \"flash\" (`attention_backend(\"flash\")` at requirements.py:13), attention_dispatch.py at diffusers 58eb52c0 (inference path: @torch.no_grad() on sample_flash_set)",
      "20 error diffusers-backend: `dispatch_attention_fn` raises \"TypeError: 'NoneType' object is not callable\" on the inference path: diffusers backend \"flash\" (backend=\"flash\") uses its library by a name diffusers sets to None when the package is missing, and a backend passed as backend= is not checked for it (attention_dispatch.py at diffusers 58eb52c0) (inference path: @torch.no_grad() on sample_flash_passed)",
      "27 information diffusers-backend: diffusers backend \"native\" (diffusers' default backend, DIFFUSERS_ATTN_BACKEND unset): with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: \"Attention mask must match the key's sequence length.\" (its constraints, off by default; attention_dispatch.py at diffusers 58eb52c0) (inference path: @torch.no_grad() on sample_text_mask)",
      "34 information diffusers-backend: diffusers backend \"native\" (diffusers' default backend, DIFFUSERS_ATTN_BACKEND unset): with DIFFUSERS_ATTN_CHECKS=1 diffusers raises first: \"Key and value must have the same sequence length.\" (its constraints, off by default; attention_dispatch.py at diffusers 58eb52c0) (inference path: @torch.no_grad() on sample_context)",
      "45 error diffusers-backend: diffusers raises \"Flash Attention backend 'flash_varlen' is not usable because of missing package or the version is too old. Please install `flash-attn>=2.6.3`.\" where it sets the backend, before `dispatch_attention_fn` runs on the inference path: diffusers backend \"flash_varlen\" (`model.set_attention_backend(\"flash_varlen\")` at requirements.py:38, in `use_varlen` called at requirements.py:43), attention_dispatch.py at diffusers 58eb52c0 (inference path: @torch.no_grad() on sample_varlen_set)",
    ]);
  });

  it('finds the calls after an early return of a function only ruled-out branches call (flux2\'s KV-cache attention)', async () => {
    assert.deepEqual(annotate(await sitesOf([KV_CACHE], OFF)), [
      'diffusers-dispatch/kv_cache.py:8:16 dispatch_attention_fn cached_attention',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      '  infer reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      'diffusers-dispatch/kv_cache.py:11:16 dispatch_attention_fn cached_attention',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash? (depends on the head size of v)',
      '  infer reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash? (depends on the head size of v)',
      'diffusers-dispatch/kv_cache.py:12:11 dispatch_attention_fn cached_attention',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      '  infer reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      'diffusers-dispatch/kv_cache.py:25:16 dispatch_attention_fn CachedAttnProcessor.__call__',
      '  train reached=false fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=16 D=64 → flash',
    ]);
  });
});
