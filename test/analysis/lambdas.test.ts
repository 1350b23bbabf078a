/**
 * Lambdas and small callables as values (stored on self, returned by a factory, picked from a dict
 * of backends, chosen by a condition), and construction helpers whose result `__init__` assigns.
 * Exact annotations and the sources the facts give.
 */
import * as assert from 'node:assert/strict';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import { annotate, siteAt as at, sitesOf, sitesOfSource, told } from './helpers';

const FILES = ['lambdas/attention.py', 'lambdas/train.py'];

describe('analysis: lambdas and small callables', () => {
  it('follows stored lambdas, a factory\'s lambda, a dict of backends and a conditional choice, each call where it is written', async () => {
    assert.deepEqual(annotate(await sitesOf(FILES)), [
      // ATTN_BACKENDS["sdpa"]: CrossAttention's default key in `sample`, and Router's unknown key in training.
      'lambdas/attention.py:13:35 sdpa <lambda>',
      // Router projects q to 512 features (its nn.Linear's out_features): a head size flash does not take.
      '  train reached=true bf16,?,? mask=none causal=false p=0 layout=BHLD H=8 D=512 → flash? (depends on the argument `context` of train_step)',
      '  infer reached=true ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.n_heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.n_heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is not a multiple of 8 and > 256',
      '  head-dim warning train 13:66 head size 512 (the output features of `nn.Linear` at attention.py:63 = 512) is above 256: SDPA\'s flash kernel does not take it (training path: `.backward()` in train_step)',
      // ATTN_BACKENDS["flash"]: the constant key "flash" in training, and Router's unknown key.
      'lambdas/attention.py:14:36 flash_attn_func <lambda>',
      "  train reached=true bf16,?,? mask=none causal=true p=0 layout=BLHD H=8 D=? → fa2? (depends on the argument `context` of train_step) if flash_attn is installed and `C // self.n_heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if flash_attn is installed and `C // self.n_heads` is > 256 · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      "  infer reached=false ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of <lambda>) if flash_attn is installed · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      'lambdas/attention.py:19:28 sdpa make_attend.<lambda>',
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=8 D=? → flash? (depends on `T` and `-1` (inferred from the other dims)) if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) if `C // self.n_heads` is not a multiple of 8 and > 256',
      '  infer reached=true ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.n_heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.n_heads` is not a multiple of 4 · flash? (depends on `T` and `-1` (inferred from the other dims)) under float16 or bfloat16 autocast, if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is not a multiple of 8 and > 256',
      // Only training builds a SelfAttention: its lambda, run alone on the inference path, has no closure.
      'lambdas/attention.py:28:53 sdpa SelfAttention.__init__.<lambda>',
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0.2 layout=BHLD H=8 D=? → flash if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) if `C // self.n_heads` is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=true p=? layout=? H=? D=? → flash? (depends on the argument `q` of SelfAttention.__init__.<lambda>, '
        + 'the argument `k` of SelfAttention.__init__.<lambda> and the argument `v` of SelfAttention.__init__.<lambda>)',
      // use_flash=True in training picks the lambda; use_flash=False in `sample` the partial, observed at the call.
      'lambdas/attention.py:44:40 flash_attn_func CrossAttention.__init__.<lambda>',
      "  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BLHD H=8 D=? → fa2 if flash_attn is installed and `C // self.n_heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if flash_attn is installed and `C // self.n_heads` is > 256 · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      "  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of CrossAttention.__init__.<lambda>) if flash_attn is installed · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      'lambdas/attention.py:54:21 sdpa CrossAttention.forward',
      '  train reached=false ?,?,? mask=none causal=false p=0.1 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.n_heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.n_heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is not a multiple of 8 and > 256',
      '  infer reached=true ?,?,? mask=none causal=false p=0.1 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.n_heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.n_heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is not a multiple of 8 and > 256',
      '  dropout-in-eval warning infer 45:68 dropout 0.1 (train.py:19) is applied in inference too: `p` does not depend on `self.training` '
        + '(functional attention does not know the module\'s mode)',
    ]);
  });

  it('binds a lambda\'s defaults and closure where it is made, and reads attributes of what it captured at the call', async () => {
    const sites = await sitesOf(FILES);
    const stored = at(sites, 28).modes.train.facts;
    // `causal=True` is the lambda's own default; `self.dropout if self.training else 0.0` reads the instance built with dropout=0.2.
    assert.deepEqual([told(stored.causal), told(stored.dropout)], ['true | True at attention.py:28', '0.2 | train.py:7']);
    // make_attend(causal=True, …) returns a lambda over its `causal` parameter.
    assert.equal(told(at(sites, 19).modes.train.facts.causal), 'true | True at attention.py:46');
    // `sample` calls CrossAttention without a mask: the parameter's default reaches the dict's lambda.
    assert.equal(told(at(sites, 13).modes.infer.facts.mask.kind), 'none | None at attention.py:48');
  });
});

describe('analysis: construction helpers whose result is assigned', () => {
  it('calls each library function a flag picks, on the paths that pick it: one site per function', async () => {
    // `attn = flash_attn_func if self.use_flash else F.scaled_dot_product_attention`; the path that
    // forked on `self.use_flash` to transpose q, k, v for SDPA calls SDPA only, with its own layout.
    assert.deepEqual(annotate(await sitesOf(['lambdas/choice.py'])), [
      'lambdas/choice.py:27:16 flash_attn_func Attention.forward',
      "  train reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=BLHD H=8 D=? → fa2 if flash_attn is installed and `C // self.heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if flash_attn is installed and `C // self.heads` is > 256 · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      "  infer reached=false ?,?,? mask=none causal=false p=0 layout=BLHD H=8 D=? → raises: FlashAttention only support fp16 and bf16 data type if flash_attn is installed, without autocast · fa2 if flash_attn is installed, under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if flash_attn is installed, under float16 or bfloat16 autocast, if `C // self.heads` is > 256 · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      'lambdas/choice.py:27:16 sdpa Attention.forward',
      '  train reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=? → flash if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) if `C // self.heads` is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is not a multiple of 8 and > 256',
    ]);
  });

  it('analyses a lambda nobody calls like a function nobody calls: a backend no code looks up', async () => {
    const source = [
      'import torch.nn.functional as F', 'from flash_attn import flash_attn_func', '',
      'BACKENDS = {',
      '    "sdpa": lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),',
      '    "flash": lambda q, k, v: flash_attn_func(q, k, v, causal=True),',
      '}', '',
      'def train_step(q, k, v):', '    BACKENDS["sdpa"](q, k, v).sum().backward()',
    ].join('\n');
    const sites = await sitesOfSource(source);
    assert.deepEqual(sites.map((s) => `${s.span.line} ${s.api} ${s.function} train=${s.modes.train.reached} infer=${s.modes.infer.reached}`), [
      '5 sdpa <lambda> train=true infer=false',
      '6 flash_attn_func <lambda> train=null infer=null',
    ]);
  });

  it('tells apart partials that differ only in their keywords (a helper called with each is not reused)', async () => {
    const source = [
      'from functools import partial', 'import torch.nn.functional as F', '',
      'def run(attend, q, k, v):', '    return attend(q, k, v)', '',
      'def train_step(q, k, v):',
      '    a = run(partial(F.scaled_dot_product_attention, dropout_p=0.5), q, k, v)',
      '    b = run(partial(F.scaled_dot_product_attention, is_causal=True), q, k, v)',
      '    (a + b).sum().backward()',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    const facts = site!.modes.train.facts;
    assert.equal(told(facts.causal), '? | the path (false from no causal flag, true from True at snippet.py:9)');
    assert.equal(told(facts.dropout), '? | the path (0.5 from snippet.py:8, 0 from no dropout argument)');
  });

  it('sets on the instance what `self.proj = self._make_proj(dim)` and `self.blocks = self._build_blocks(…)` assign to self', async () => {
    const sites = await sitesOf(['lambdas/builders.py']);
    // `_make_proj` sets `self.flash = hasattr(F, …)` and `self.dropout`: the SDPA branch is taken, the
    // hand-written one ruled out; `_build_blocks` sets `self.gate_mask = None`, so the blocks run.
    assert.deepEqual(annotate(sites), [
      'lambdas/builders.py:27:17 sdpa CausalAttention.forward',
      '  train reached=true ?,?,? mask=none causal=true p=0.1 layout=BHLD H=12 D=? → flash? (depends on the argument `x` of train_step) without autocast, if `C // self.n_heads` is ≤ 256 · efficient? (depends on the argument `x` of train_step) without autocast, if `C // self.n_heads` is > 256 · flash under float16 or bfloat16 autocast, if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=? D=? → efficient (flash off: float32) without autocast, if `C // self.n_heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.n_heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.n_heads` is ≤ 256 · efficient (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.n_heads`) under float16 or bfloat16 autocast, if `C // self.n_heads` is not a multiple of 8 and > 256',
      'lambdas/builders.py:31:17 manual CausalAttention.forward',
      '  train reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=12 D=? → math',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=? D=? → math',
      '  manual-attention information - 31:17 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, scale=(1.0 / math.sqrt(k.size(-1))))` computes the same fused (flash or memory-efficient kernel)',
    ]);
    assert.equal(resolveLineMarks(at(sites, 31).modes.train.deadBy?.why ?? ''), '`hasattr(F, "scaled_dot_product_attention")` is True with torch 2.5 (setting)');
    assert.equal(told(at(sites, 27).modes.train.facts.dropout), '0.1 | builders.py:17');
  });
});
