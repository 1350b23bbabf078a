/**
 * Context managers as values and `custom_fwd`: an autocast or `sdpa_kernel` object built once and
 * entered later (`ctx = nullcontext() if … else torch.amp.autocast(…)`; `with ctx:`), and
 * `@custom_fwd(cast_inputs=…)` casting an autograd Function's inputs and turning autocast off.
 * Exact annotations: each path's facts, outcome, and every finding.
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { CallSite } from '../../extension/analysis/call-facts/call-sites';
import type { Mode } from '../../runtime/dispatch/facts';
import { annotate, SETTINGS, sitesOf, sitesOfSource } from './helpers';

/** Where q's, k's and v's dtypes come from on a path kind (or what they depend on), as the report says; one line when they agree. */
function dtypeSources(site: CallSite, mode: Mode): string[] {
  const { q, k, v } = callReport(site, environmentOf(SETTINGS)).modes[mode].facts.dtypes;
  const lines = [q, k, v].map((f) => (f.known ? `${f.value} from ${f.source}` : `depends on ${f.dependsOn}`));
  return lines.every((l) => l === lines[0]) ? [`q, k, v: ${lines[0]}`] : lines.map((l, i) => `${'qkv'[i]}: ${l}`);
}

describe('analysis: stored autocast and sdpa_kernel contexts', () => {
  it('nanoGPT\'s `ctx = nullcontext() if device_type == \'cpu\' else torch.amp.autocast(…)` with module constants is a bfloat16 region where `with ctx:` enters it', async () => {
    const sites = await sitesOf(['amp-contexts/model.py', 'amp-contexts/train.py']);
    // The loop is module-level code that calls `.backward()`: a training path. Nothing in the files
    // runs the model for inference, so that path is analysed for its facts only (not reached).
    assert.deepEqual(annotate(sites), [
      'amp-contexts/model.py:21:13 sdpa CausalSelfAttention.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0.1 layout=BHLD H=12 D=64 → flash',
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=12 D=? → efficient (flash off: float32) without autocast, if `self.head_dim` is a multiple of 4 · math (flash off: float32) without autocast, if `self.head_dim` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `self.head_dim` is ≤ 256 · efficient (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is a multiple of 8 and > 256 · math (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is not a multiple of 8 and > 256',
    ]);
    assert.deepEqual(dtypeSources(sites[0], 'train'), ['q, k, v: bfloat16 from `linear` at model.py:17 runs in bfloat16 under autocast (autocast region at train.py:17, entered by `with ctx` at train.py:31)']);
  });

  it('a device picked at run time is the device setting\'s; the dtype bfloat16 where the GPU computes in it, else either, not a guess', async () => {
    const sites = await sitesOf(['amp-contexts/model.py', 'amp-contexts/train_any_device.py']);
    assert.deepEqual(dtypeSources(sites[0], 'train'), ['q, k, v: bfloat16 from `linear` at model.py:17 runs in bfloat16 under autocast (autocast region at train_any_device.py:13, entered by `with ctx` at train_any_device.py:18)']);
    // On sm75 `torch.cuda.is_bf16_supported()` is left open (releases answer it differently): both dtypes.
    const open = await sitesOf(['amp-contexts/model.py', 'amp-contexts/train_any_device.py'], { ...SETTINGS, sm: 75 });
    assert.deepEqual(annotate(sites), [
      'amp-contexts/model.py:21:13 sdpa CausalSelfAttention.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0.1 layout=BHLD H=12 D=64 → flash',
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=12 D=? → efficient (flash off: float32) without autocast, if `self.head_dim` is a multiple of 4 · math (flash off: float32) without autocast, if `self.head_dim` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `self.head_dim` is ≤ 256 · efficient (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is a multiple of 8 and > 256 · math (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is not a multiple of 8 and > 256',
    ]);
    assert.deepEqual(dtypeSources(open[0], 'train'), ['q, k, v: depends on the path (float16 from `linear` at model.py:17 runs in float16 under autocast (autocast region at train_any_device.py:13, `ptdtype` float16 (one of the two dtypes autocast takes), entered by `with ctx` at train_any_device.py:18), bfloat16 from `linear` at model.py:17 runs in bfloat16 under autocast (autocast region at train_any_device.py:13, `ptdtype` bfloat16 (one of the two dtypes autocast takes), entered by `with ctx` at train_any_device.py:18))']);
  });

  it('`amp = torch.autocast(…)` and `math_only = sdpa_kernel(SDPBackend.MATH)` entered together later: float16 on the math kernel', async () => {
    const sites = await sitesOf(['amp-contexts/model.py', 'amp-contexts/sample.py']);
    assert.deepEqual(annotate(sites), [
      'amp-contexts/model.py:21:13 sdpa CausalSelfAttention.forward',
      '  train reached=false ?,?,? mask=none causal=true p=0.1 layout=BHLD H=12 D=? → efficient (flash off: float32) without autocast, if `self.head_dim` is a multiple of 4 · math (flash off: float32) without autocast, if `self.head_dim` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `self.head_dim` is ≤ 256 · efficient (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is a multiple of 8 and > 256 · math (flash off: head dim `self.head_dim`) under float16 or bfloat16 autocast, if `self.head_dim` is not a multiple of 8 and > 256',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=true p=0 layout=BHLD H=12 D=64 → math (flash off: runtime disabled)',
    ]);
    assert.deepEqual(dtypeSources(sites[0], 'infer'), ['q, k, v: float16 from `linear` at model.py:17 runs in float16 under autocast (autocast region at sample.py:8, entered by `with amp` at sample.py:15)']);
  });

  it('a dtype looked up by a key the code does not establish makes the region\'s dtype unknown, and says why', async () => {
    assert.deepEqual(annotate(await sitesOfSource(UNKNOWN_KEY)), [
      'snippet.py:12:15 sdpa train_step',
      '  train reached=true fp32,fp32,fp32 mask=none causal=true p=0 layout=? H=8 D=64 → flash',
      '  infer reached=false fp32,fp32,fp32 mask=none causal=true p=0 layout=? H=8 D=64 → flash',
    ]);
  });
});

describe('analysis: custom_fwd', () => {
  it('cast_inputs=torch.float16 makes the mixed q, k, v of a QK-norm float16 under autocast; without cast_inputs the caller\'s autocast holds', async () => {
    const sites = await sitesOf(['amp-contexts/fused_ops.py']);
    assert.deepEqual(annotate(sites), [
      'amp-contexts/fused_ops.py:15:15 flash_attn_func FlashAttnFunction.forward',
      '  train reached=true fp16,fp16,fp16 mask=none causal=true p=0 layout=BLHD H=16 D=64 → fa2',
      '  infer reached=true ?,?,? mask=none causal=false p=0 layout=? H=16 D=64 → fa2? (depends on whether the caller runs under autocast (`@custom_fwd(device_type="cuda", cast_inputs=torch.float16)` at fused_ops.py:12 casts to float16 only under autocast))',
      'amp-contexts/fused_ops.py:29:16 flash_attn_func NormedAttnFunction.forward',
      '  train reached=true fp32,fp32,bf16 mask=none causal=true p=0 layout=BLHD H=16 D=64 → raises: FlashAttention only support fp16 and bf16 data type',
      '  infer reached=null ?,?,? mask=none causal=? p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of NormedAttnFunction.forward)',
      '  dtype-unsupported error train 29:32 flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — '
        + '`q` is float32 (`normalize` at fused_ops.py:48 runs in float32 under autocast (autocast region at fused_ops.py:65)); '
        + '`k` is float32 (`normalize` at fused_ops.py:48 runs in float32 under autocast (autocast region at fused_ops.py:65)); '
        + '`v` is bfloat16 (`linear` at fused_ops.py:47 runs in bfloat16 under autocast (autocast region at fused_ops.py:65)) (training path: `.backward()` in train_step)',
    ]);
    assert.deepEqual(dtypeSources(sites[0], 'train'), ['q, k, v: float16 from cast_inputs of `@custom_fwd(device_type="cuda", cast_inputs=torch.float16)` at fused_ops.py:12']);
    // benchmark() calls it outside any region the code shows: cast or not, as the autocast setting goes.
    assert.deepEqual(dtypeSources(sites[0], 'infer'), ['q, k, v: depends on whether the caller runs under autocast (`@custom_fwd(device_type="cuda", cast_inputs=torch.float16)` at fused_ops.py:12 casts to float16 only under autocast)']);
  });

  it('cast_inputs casts only inside an autocast region, and the body runs with autocast off (SDPA gets float32, not the region\'s bfloat16)', async () => {
    const sites = await sitesOfSource(CAST_TO_FLOAT32);
    assert.deepEqual(annotate(sites), [
      'snippet.py:9:16 sdpa Attn.forward',
      '  train reached=true fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32)',
      '  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
    ]);
    assert.deepEqual(dtypeSources(sites[0], 'train'), ['q, k, v: float32 from cast_inputs of `@torch.cuda.amp.custom_fwd(cast_inputs=torch.float32)` at snippet.py:7']);
    assert.deepEqual(dtypeSources(sites[0], 'infer'), ['q, k, v: bfloat16 from dtype= at snippet.py:21']);
  });
});

const UNKNOWN_KEY = `import torch
import torch.nn.functional as F

dtype = 'bfloat16' if torch.cuda.is_bf16_supported() else 'float16'
ptdtype = {'bfloat16': torch.bfloat16, 'float16': torch.float16}[dtype]
amp = torch.autocast('cuda', dtype=ptdtype)


def train_step():
    q = torch.randn(4, 8, 256, 64, device='cuda')
    with amp:
        out = F.scaled_dot_product_attention(q, q, q, is_causal=True)
    out.sum().backward()
`;

const CAST_TO_FLOAT32 = `import torch
import torch.nn.functional as F


class Attn(torch.autograd.Function):
    @staticmethod
    @torch.cuda.amp.custom_fwd(cast_inputs=torch.float32)
    def forward(ctx, q, k, v):
        return F.scaled_dot_product_attention(q, k, v)


def train_step():
    q = torch.randn(4, 8, 256, 64, device='cuda', dtype=torch.bfloat16)
    with torch.autocast('cuda', dtype=torch.bfloat16):
        out = Attn.apply(q, q, q)
    out.sum().backward()


@torch.no_grad()
def sample():
    q = torch.randn(4, 8, 256, 64, device='cuda', dtype=torch.bfloat16)
    with torch.autocast('cuda', enabled=False):
        return Attn.apply(q, q, q)
`;
