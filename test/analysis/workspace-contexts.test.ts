/**
 * Context managers defined in the workspace: a `@contextmanager` generator (function or method, with
 * arguments, an `as` target, nested in other `with` items or in another generator, stored and entered
 * later) runs to its `yield` where the `with` enters it, and the regions open there hold for the body;
 * a function that returns a context manager is entered like the call written there; a class with
 * `__enter__` / `__exit__` has its `__enter__` run there (class-contexts.test.ts covers more). Exact
 * annotations: each path's facts, outcome, and every finding.
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { CallSite } from '../../extension/analysis/call-facts/call-sites';
import type { Mode } from '../../runtime/dispatch/facts';
import { annotate, SETTINGS, sitesOf, sitesOfSource, told } from './helpers';

const FILES = ['workspace-contexts/amp_utils.py', 'workspace-contexts/qformer.py', 'workspace-contexts/train.py'];

/** The sites of one fixture file of the group, analysed together with the others. */
async function sitesIn(file: string): Promise<readonly CallSite[]> {
  return (await sitesOf(FILES)).filter((s) => s.path === `workspace-contexts/${file}`);
}

/** Where q's dtype comes from on a path kind (or what it depends on), as the report says. */
function qSource(site: CallSite, mode: Mode): string {
  const { q } = callReport(site, environmentOf(SETTINGS)).modes[mode].facts.dtypes;
  return q.known ? `${q.value} from ${q.source}` : `depends on ${q.dependsOn}`;
}

const REGION = '(autocast region at amp_utils.py:13 (in `autocast_region`), entered by `with autocast_region()` at qformer.py:52)';

describe('analysis: context managers defined in the workspace', () => {
  it('BLIP-2\'s Q-Former: `with autocast_region():` makes the QK-norm flash-attn call mixed; `with self.maybe_autocast():` depends on the device test inside it', async () => {
    const sites = await sitesIn('qformer.py');
    assert.deepEqual(annotate(sites), [
      'workspace-contexts/qformer.py:24:16 flash_attn_func QKNormAttention.forward',
      '  train reached=true fp32,fp32,bf16 mask=none causal=false p=0 layout=BLHD H=12 D=64 → raises: FlashAttention only support fp16 and bf16 data type',
      '  infer reached=false fp32,fp32,? mask=none causal=false p=0 layout=BLHD H=? D=? → raises: FlashAttention only support fp16 and bf16 data type',
      '  dtype-unsupported error train 24:32 flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — '
        + `\`q\` is float32 (\`normalize\` at qformer.py:23 runs in float32 under autocast ${REGION}); `
        + `\`k\` is float32 (\`normalize\` at qformer.py:23 runs in float32 under autocast ${REGION}); `
        + `\`v\` is bfloat16 (\`linear\` at qformer.py:22 runs in bfloat16 under autocast ${REGION}) (training path: \`.backward()\` in train_step)`,
      'workspace-contexts/qformer.py:51:25 sdpa Blip2Qformer.forward',
      '  train reached=true ?,?,? mask=none causal=false p=0 layout=BHLD H=12 D=64 → flash? (depends on `self.device == torch.device("cpu")` in `maybe_autocast`)',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=12 D=64 → flash? (depends on `self.device == torch.device("cpu")` in `maybe_autocast`)',
      'workspace-contexts/qformer.py:60:16 sdpa Blip2Qformer.caption',
      '  train reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=12 D=64 → flash? (depends on the argument `image_embeds` of Blip2Qformer.caption)',
      '  infer reached=true fp16,fp16,fp16 mask=none causal=true p=0 layout=BHLD H=12 D=64 → flash',
    ]);
    // One branch of maybe_autocast opens float16 autocast, the other leaves the caller's: not a guess either way.
    assert.equal(qSource(sites[1], 'train'), 'depends on `self.device == torch.device("cpu")` in `maybe_autocast`');
  });

  it('`with inference_region(model) as m:` binds the yielded model, and the inference mode and nested float16 region inside the generator hold for `m.caption(…)`', async () => {
    const [, , caption] = await sitesIn('qformer.py');
    assert.equal(qSource(caption, 'infer'), 'float16 from `linear` at qformer.py:58 runs in float16 under autocast (autocast region at amp_utils.py:13 (in `autocast_region`), '
      + 'entered by `with autocast_region(dtype=torch.float16)` at amp_utils.py:24 (in `inference_region`), entered by `with inference_region(model)` at train.py:20)');
    const mode = callReport(caption, environmentOf(SETTINGS)).modes.infer.facts.mode;
    assert.deepEqual(mode, { known: true, value: 'infer', source: '`torch.inference_mode()` at amp_utils.py:24 (in `inference_region`), entered by `with inference_region(model)` at train.py:20' });
  });

  it('stored and entered later, entered next to a function that returns an autocast, a class-based manager (its `__enter__` run), and `enabled=False` (no region)', async () => {
    const sites = await sitesIn('train.py');
    assert.deepEqual(annotate(sites), [
      'workspace-contexts/train.py:34:18 sdpa benchmark_attention',
      '  train reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      '  infer reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      'workspace-contexts/train.py:38:18 sdpa benchmark_attention',
      '  train reached=null bf16,bf16,bf16 mask=bool causal=false p=0 layout=? H=8 D=64 → raises: No available kernel. Aborting execution.',
      '  infer reached=null bf16,bf16,bf16 mask=bool causal=false p=0 layout=? H=8 D=64 → raises: No available kernel. Aborting execution.',
      '  no-available-kernel error - 38:18 `F.scaled_dot_product_attention` raises "No available kernel. Aborting execution.": flash refuses it '
        + '(Flash Attention does not support non-null attn_mask.) and `sdpa_kernel(SDPBackend.FLASH_ATTENTION)` at amp_utils.py:32 (in `flash_kernel_only`), '
        + 'entered by `with flash_kernel_only()` at train.py:36 switches off cudnn, efficient and math',
      'workspace-contexts/train.py:41:18 sdpa benchmark_attention',
      '  train reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      '  infer reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=8 D=64 → flash',
      'workspace-contexts/train.py:44:17 sdpa benchmark_attention',
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=8 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
    assert.equal(qSource(sites[0], 'train'), 'float16 from `matmul` at train.py:25 runs in float16 under autocast (autocast region at amp_utils.py:13 (in `autocast_region`), entered by `with region` at train.py:32)');
    assert.equal(qSource(sites[1], 'train'), 'bfloat16 from `matmul` at train.py:25 runs in bfloat16 under autocast (autocast region at amp_utils.py:37, entered by `with amp_context(True)` at train.py:36)');
    assert.equal(qSource(sites[2], 'train'), 'float16 from `matmul` at train.py:25 runs in float16 under autocast (autocast region at amp_utils.py:45, '
      + 'entered by `self.autocast.__enter__()` at amp_utils.py:48 (in `HalfPrecisionScope.__enter__`), entered by `with HalfPrecisionScope("attention")` at train.py:39)');
  });

  it('branches of a generator that set a region alike keep it (inference mode, bfloat16)', async () => {
    const sites = await sitesOfSource(ALIKE);
    assert.deepEqual(annotate(sites), [
      'snippet.py:20:15 sdpa run',
      '  train reached=false bf16,?,? mask=none causal=false p=0 layout=? H=? D=? → flash? (depends on the argument `k` of run and the argument `v` of run)',
      '  infer reached=true bf16,?,? mask=none causal=false p=0 layout=? H=? D=? → flash? (depends on the argument `k` of run and the argument `v` of run)',
    ]);
    assert.equal(qSource(sites[0], 'infer'), 'bfloat16 from `matmul` at snippet.py:19 runs in bfloat16 under autocast (autocast region at snippet.py:10 (in `eval_context`), entered by `with eval_context(fast)` at snippet.py:18)');
  });

  it('a `@contextmanager` generator used as a decorator opens its regions for the whole call', async () => {
    const source = [
      'from contextlib import contextmanager', 'import torch', 'import torch.nn.functional as F',
      'from torch.nn.attention import SDPBackend, sdpa_kernel', '',
      '@contextmanager', 'def autocast_region(dtype=torch.bfloat16):', '    with torch.autocast("cuda", dtype=dtype):', '        yield', '',
      '@contextmanager', 'def math_only():', '    with sdpa_kernel(SDPBackend.MATH):', '        yield', '',
      '@autocast_region()', 'def attend(q, k, v):', '    return F.scaled_dot_product_attention(q.float(), k.float(), v.float())', '',
      '@math_only()', 'def attend_math(q, k, v):', '    return F.scaled_dot_product_attention(q, k, v)', '',
      'def train_step(q, k, v):', '    (attend(q, k, v) + attend_math(q, k, v)).sum().backward()',
    ].join('\n');
    const [autocast, math] = await sitesOfSource(source);
    assert.equal(told(autocast!.modes.train.facts.autocast), 'bfloat16 | autocast region at snippet.py:8 (in `autocast_region`), entered by `@autocast_region()` at snippet.py:16');
    assert.deepEqual(annotate([math!]).slice(1, 2), [
      '  train reached=true ?,?,? mask=none causal=false p=0 layout=? H=? D=? → math? (depends on the argument `q` of train_step, the argument `k` of train_step and the argument `v` of train_step)',
    ]);
  });

  it('a generator that never reaches `yield` on a live path changes nothing', async () => {
    const sites = await sitesOfSource(NO_YIELD);
    assert.deepEqual(annotate(sites), [
      'snippet.py:16:15 sdpa train_step',
      '  train reached=true ?,?,? mask=none causal=false p=0 layout=? H=? D=? → efficient (flash off: float32) without autocast, if D is a multiple of 4 (D: the head size of q and of v, taken equal) · math (flash off: float32) without autocast, if D is not a multiple of 4 · flash under float16 or bfloat16 autocast, if D is ≤ 256 (D: the head size of q and of v, taken equal) · efficient (flash off: head dim D) under float16 or bfloat16 autocast, if D is a multiple of 8 and > 256 · math (flash off: head dim D) under float16 or bfloat16 autocast, if D is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=? → efficient (flash off: float32) without autocast, if D is a multiple of 4 (D: the head size of q and of v, taken equal) · math (flash off: float32) without autocast, if D is not a multiple of 4 · flash under float16 or bfloat16 autocast, if D is ≤ 256 (D: the head size of q and of v, taken equal) · efficient (flash off: head dim D) under float16 or bfloat16 autocast, if D is a multiple of 8 and > 256 · math (flash off: head dim D) under float16 or bfloat16 autocast, if D is not a multiple of 8 and > 256',
    ]);
  });
});

const ALIKE = `from contextlib import contextmanager

import torch
import torch.nn.functional as F


@contextmanager
def eval_context(fast=True):
    if fast:
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.bfloat16):
            yield "fast"
    else:
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
            yield "safe"


def run(q, k, v, fast):
    with eval_context(fast) as how:
        qk = q @ k
        out = F.scaled_dot_product_attention(qk, k, v)
    return out, how
`;

const NO_YIELD = `import contextlib

import torch
import torch.nn.functional as F


@contextlib.contextmanager
def cuda_only():
    raise RuntimeError("needs CUDA")


def train_step():
    x = torch.randn(4, 8, 128, 64, device="cuda")
    with cuda_only():
        q = x @ x
        out = F.scaled_dot_product_attention(q, q, q)
    out.sum().backward()
`;
