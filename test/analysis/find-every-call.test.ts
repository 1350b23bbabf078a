/**
 * Every attention call is found (issue #13 item 1), on code in the styles of real repositories:
 * calls in nested functions (closures with their free variables, callables handed to checkpoint,
 * torch.compile and functools.partial, a function vmap maps), xformers imported under `if is_xformers_available():`,
 * library functions a lazy-import helper binds to module globals, attention held in attributes (an
 * `nn.Softmax` module, what a backend setter stores on self), hand-written attention whose scores pass
 * a helper that is not run, and a call after an early return the constructor's default takes. Before,
 * none of these was reported.
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import { annotate, applyEdits, readFixture, SETTINGS, sitesOf, sitesOfSource } from './helpers';

describe('finding every call', () => {
  it('runs nested functions as closures: called, checkpointed, compiled or bound by partial, each with the arguments given', async () => {
    // `attend` reads `causal` from forward (True), `attend_all` q, k, v and `self.training`; training
    // reaches all four through train_step, under its bfloat16 autocast.
    assert.deepEqual(annotate(await sitesOf(['find-every-call/closures.py'])), [
      'find-every-call/closures.py:19:16 sdpa Block._attn',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=? → flash if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) if `C // self.heads` is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=? H=? D=? → flash? (depends on the argument `q` of Block._attn, the argument `k` of Block._attn and the argument `v` of Block._attn)',
      'find-every-call/closures.py:26:20 sdpa Block.forward.attend',
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=8 D=? → flash if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) if `C // self.heads` is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=? p=0 layout=? H=? D=? → flash? (depends on the argument `q` of Block.forward.attend, the argument `k` of Block.forward.attend and the argument `v` of Block.forward.attend)',
      'find-every-call/closures.py:29:20 sdpa Block.forward.attend_all',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0.1 layout=BHLD H=8 D=? → flash if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) if `C // self.heads` is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=false p=? layout=? H=? D=? → flash? (depends on `q`, `k` and `v`)',
      'find-every-call/closures.py:32:20 sdpa Block.forward.attend_p',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=8 D=? → flash if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) if `C // self.heads` is not a multiple of 8 and > 256',
      '  infer reached=false ?,?,? mask=none causal=false p=? layout=? H=? D=? → flash? (depends on the argument `q` of Block.forward.attend_p, the argument `k` of Block.forward.attend_p and the argument `v` of Block.forward.attend_p)',
    ]);
  });

  it('runs the function vmap maps on slices of the tensors it is given: their dtype, not their extents', async () => {
    const verdict = 'flash if D is ≤ 256 (D: the head size of q and of v, taken equal) · efficient (flash off: head dim D) if D is a multiple of 8 and > 256 · math (flash off: head dim D) if D is not a multiple of 8 and > 256';
    assert.deepEqual(annotate(await sitesOf(['find-every-call/vmapped.py'], { ...SETTINGS, autocast: 'off' })), [
      'find-every-call/vmapped.py:14:12 sdpa attend_one',
      `  train reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=? → ${verdict}`,
      `  infer reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=? → ${verdict}`,
    ]);
  });

  it('finds single-head channels-first attention (bmm and einsum, v·pᵀ) and q·kᵀ made contiguous, fixing only the last', async () => {
    const name = 'find-every-call/channels_first.py';
    const threeD = 'Hand-written attention materialises the L×L score matrix; q, k, v are 3-D here (heads folded into the batch), so `F.scaled_dot_product_attention` would run its math kernel too (its fused kernels need 4-D inputs: input-rank) — keep the heads in a dim of their own, (B, H, L, D), to run it fused';
    const lines = annotate(await sitesOf([name], { ...SETTINGS, autocast: 'off' }));
    assert.deepEqual(lines.filter((l) => !l.startsWith('  train') && !l.startsWith('  infer')), [
      `${name}:28:15 manual VaeAttnBlock.forward`,
      `  manual-attention information - 28:15 ${threeD}`,
      `${name}:48:15 manual EinsumAttnBlock.forward`,
      `  manual-attention information - 48:15 ${threeD}`,
      `${name}:64:17 manual ContiguousKeyAttention.forward`,
      '  manual-attention information - 64:17 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention((q * (C // self.heads) ** -0.5), k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)',
    ]);
    const text = readFixture(name);
    const [report] = await analyzeFiles([{ path: name, text }], SETTINGS);
    const fixes = report!.calls.map((c) => c.findings.find((f) => f.code === 'manual-attention')?.fix);
    assert.deepEqual(fixes.slice(0, 2), [undefined, undefined]);
    assert.equal(applyEdits(text, fixes[2]!.edits).split('\n')[62]!.trim(), 'attn = (q * (C // self.heads) ** -0.5) @ k.transpose(-2, -1).contiguous()');
    assert.equal(applyEdits(text, fixes[2]!.edits).split('\n')[63]!.trim(), 'return (F.scaled_dot_product_attention((q * (C // self.heads) ** -0.5), k, v, scale=1.0)).transpose(1, 2).reshape(B, N, C)');
  });

  it('finds a nested function nobody calls, run on its own', async () => {
    const sites = await sitesOfSource([
      'import torch.nn.functional as F',
      'def make_attention(causal):',
      '    def attend(q, k, v):',
      '        return F.scaled_dot_product_attention(q, k, v, is_causal=causal)',
      '    return 0',
    ].join('\n'));
    assert.deepEqual(annotate(sites).filter((l) => !l.startsWith(' ')), ['snippet.py:4:16 sdpa make_attention.attend']);
  });

  it('gates xformers imported under `if is_xformers_available():` on its being installed, as the try/except form is', async () => {
    const processor = [
      'class XFormersProcessor:',
      '    def __call__(self, attn, hidden_states):',
      '        q, k, v = attn.to_q(hidden_states), attn.to_k(hidden_states), attn.to_v(hidden_states)',
      '        return xformers.ops.memory_efficient_attention(q, k, v)',
    ];
    const guarded = ['import torch', 'from .utils import is_xformers_available', 'if is_xformers_available():', '    import xformers', '    import xformers.ops', 'else:', '    xformers = None', ...processor];
    const caught = ['import torch', 'try:', '    import xformers', '    import xformers.ops', 'except ImportError:', '    xformers = None', '', ...processor];
    const expected = [
      'snippet.py:11:16 memory_efficient_attention XFormersProcessor.__call__',
      "  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → fa2? (depends on the result of `.to_q()` at snippet.py:10, the result of `.to_k()` at snippet.py:10 and the result of `.to_v()` at snippet.py:10) if xformers is installed · raises: ModuleNotFoundError: No module named 'xformers' if xformers is not installed",
      "  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → fa2? (depends on the result of `.to_q()` at snippet.py:10, the result of `.to_k()` at snippet.py:10 and the result of `.to_v()` at snippet.py:10) if xformers is installed · raises: ModuleNotFoundError: No module named 'xformers' if xformers is not installed",
    ];
    assert.deepEqual(annotate(await sitesOfSource(caught.join('\n'))), expected);
    assert.deepEqual(annotate(await sitesOfSource(guarded.join('\n'))), expected);
    // diffusers' processor, which also checks in its constructor.
    assert.deepEqual(annotate(await sitesOf(['find-every-call/availability.py'])), [
      'find-every-call/availability.py:23:15 memory_efficient_attention XFormersProcessor.__call__',
      "  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → fa2? (depends on the result of `.head_to_batch_dim()` at availability.py:20, the result of `.head_to_batch_dim()` at availability.py:21 and the result of `.head_to_batch_dim()` at availability.py:22) if xformers is installed · raises: ModuleNotFoundError: No module named 'xformers' if xformers is not installed",
      "  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → fa2? (depends on the result of `.head_to_batch_dim()` at availability.py:20, the result of `.head_to_batch_dim()` at availability.py:21 and the result of `.head_to_batch_dim()` at availability.py:22) if xformers is installed · raises: ModuleNotFoundError: No module named 'xformers' if xformers is not installed",
    ]);
  });

  it('follows library functions that a lazy-import helper binds to module globals', async () => {
    // flash_forward's varlen branch is not reached on its own: `cu_seqlens` is None by default.
    assert.deepEqual(annotate(await sitesOf(['find-every-call/lazy_globals.py'])), [
      'find-every-call/lazy_globals.py:25:16 flash_attn_varlen_func flash_forward',
      '  train reached=false ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of flash_forward)',
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of flash_forward)',
      'find-every-call/lazy_globals.py:26:12 flash_attn_func flash_forward',
      '  train reached=null ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of flash_forward)',
      '  infer reached=null ?,?,? mask=none causal=true p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of flash_forward)',
      'find-every-call/lazy_globals.py:31:12 flash_attn_func loaded_forward',
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of loaded_forward)',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → fa2? (depends on the argument `q` of loaded_forward)',
    ]);
  });

  it('finds attention held in attributes, and eager attention whose scores pass a helper on a path not taken', async () => {
    // WindowAttention: softmax by an nn.Softmax module; SwitchableAttention: both functions set_backend
    // may store; LatentAttention: its soft-capped branch runs only with a logit cap (None by default),
    // so `soft_cap` is not run there, yet the attention is found, as in its sibling CappedAttention.
    assert.deepEqual(annotate(await sitesOf(['find-every-call/stored.py'])), [
      'find-every-call/stored.py:41:17 manual WindowAttention.forward',
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=3 D=? → math',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=3 D=? → math',
      '  manual-attention information - 41:17 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention((q * self.scale), k, v, scale=1.0)` computes the same fused (flash or memory-efficient kernel)',
      'find-every-call/stored.py:60:16 flash_attn_varlen_func SwitchableAttention.forward',
      "  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → raises: FlashAttention only support fp16 and bf16 data type if flash_attn is installed, without autocast · fa2 if flash_attn is installed, under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if flash_attn is installed, under float16 or bfloat16 autocast, if `C // self.heads` is > 256 · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      "  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → raises: FlashAttention only support fp16 and bf16 data type if flash_attn is installed, without autocast · fa2 if flash_attn is installed, under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · raises: FlashAttention forward only supports head dimension at most 256 if flash_attn is installed, under float16 or bfloat16 autocast, if `C // self.heads` is > 256 · raises: ModuleNotFoundError: No module named 'flash_attn' if flash_attn is not installed",
      `  dtype-unsupported warning - 60:29 self.attn_fn (flash_attn_varlen_func): "FlashAttention only support fp16 and bf16 data type" — \`q\` is float32 (\`x\` is a float32 tensor (assumed: SwitchableAttention.forward's input from no caller in these files)); \`k\` is float32 (\`x\` is a float32 tensor (assumed: SwitchableAttention.forward's input from no caller in these files)); \`v\` is float32 (\`x\` is a float32 tensor (assumed: SwitchableAttention.forward's input from no caller in these files)) (if flash_attn is installed, without autocast)`,
      'find-every-call/stored.py:60:16 sdpa SwitchableAttention.forward',
      '  train reached=null ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is not a multiple of 8 and > 256',
      '  infer reached=null ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is not a multiple of 8 and > 256',
      'find-every-call/stored.py:74:16 manual CappedAttention.forward',
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → math',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → math',
      '  manual-attention information - 74:16 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, scale=…)` computes the same fused (flash or memory-efficient kernel)',
      'find-every-call/stored.py:89:20 manual LatentAttention.forward',
      '  train reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → math',
      '  infer reached=false ?,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → math',
      '  manual-attention information - 89:20 Hand-written attention materialises the L×L score matrix; `F.scaled_dot_product_attention(q, k, v, scale=…)` computes the same fused (flash or memory-efficient kernel)',
      'find-every-call/stored.py:90:16 sdpa LatentAttention.forward',
      '  train reached=null ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.cfg.heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.cfg.heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.cfg.heads` is ≤ 256 · efficient (flash off: head dim `C // self.cfg.heads`) under float16 or bfloat16 autocast, if `C // self.cfg.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.cfg.heads`) under float16 or bfloat16 autocast, if `C // self.cfg.heads` is not a multiple of 8 and > 256',
      '  infer reached=null ?,?,? mask=none causal=true p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.cfg.heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.cfg.heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.cfg.heads` is ≤ 256 · efficient (flash off: head dim `C // self.cfg.heads`) under float16 or bfloat16 autocast, if `C // self.cfg.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.cfg.heads`) under float16 or bfloat16 autocast, if `C // self.cfg.heads` is not a multiple of 8 and > 256',
    ]);
  });

  it('finds the call after an early return that the constructor\'s default takes, not reached', async () => {
    assert.deepEqual(annotate(await sitesOf(['find-every-call/early_return.py'])), [
      'find-every-call/early_return.py:21:16 sdpa TextPool.forward',
      '  train reached=false fp32,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is not a multiple of 8 and > 256',
      '  infer reached=false fp32,?,? mask=none causal=false p=0 layout=BHLD H=8 D=? → efficient (flash off: float32) without autocast, if `C // self.heads` is a multiple of 4 · math (flash off: float32) without autocast, if `C // self.heads` is not a multiple of 4 · flash under float16 or bfloat16 autocast, if `C // self.heads` is ≤ 256 · efficient (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is a multiple of 8 and > 256 · math (flash off: head dim `C // self.heads`) under float16 or bfloat16 autocast, if `C // self.heads` is not a multiple of 8 and > 256',
    ]);
  });
});
