/**
 * Padding-free attention: flash-attn's `bert_padding` helpers (`unpad_input`, `index_first_axis`,
 * `pad_input`) move tokens without changing their dtype, so a `flash_attn_varlen_func` call is judged
 * on the dtypes and `(total, H, D)` shapes of the padded tensors. `unpad_input`'s length differs by
 * flash-attn version (4 items, or 5 from 2.7 on): only its first four items are known.
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import { annotate, SETTINGS, sitesOf, sitesOfSource, told } from './helpers';

const SOURCE = [
  'import torch',
  'from flash_attn import flash_attn_varlen_func',
  'from flash_attn.bert_padding import unpad_input',
  '',
  '@torch.inference_mode()',
  'def decode(qkv, mask):',
  '    q, k, v = qkv.half().view(2, 128, 3, 4, 320).unbind(2)',
  '    q_unpad, indices, cu_seqlens, max_seqlen, _ = unpad_input(q, mask)',
  '    k_unpad, *rest = unpad_input(k, mask)',
  '    v_unpad, idx, cu = unpad_input(v, mask)',
  '    return flash_attn_varlen_func(q_unpad, k_unpad, v_unpad, cu_seqlens, cu_seqlens, max_seqlen, max_seqlen)',
  '',
  '@torch.inference_mode()',
  'def lengths(x, mask):',
  '    used = unpad_input(x.half().view(2, 128, 4, 64), mask)[4]',
  '    x_unpad = unpad_input(x.half().view(2, 128, 4, 64), mask)[0]',
  '    return flash_attn_varlen_func(x_unpad, x_unpad, used, None, None, 128, 128)',
].join('\n');

const PACKED = [
  'import torch',
  'from flash_attn import flash_attn_varlen_kvpacked_func, flash_attn_varlen_qkvpacked_func',
  'from flash_attn.bert_padding import unpad_input',
  '',
  'def train_step(x, mask):',
  '    qkv = x.float().view(4, 256, 3, 8, 64)',
  '    qkv_unpad, _, cu_seqlens, max_seqlen, *_ = unpad_input(qkv, mask)',
  '    out = flash_attn_varlen_qkvpacked_func(qkv_unpad, cu_seqlens, max_seqlen, 0.1, causal=True)',
  '    q, kv = qkv_unpad[:, 0].bfloat16(), qkv_unpad[:, 1:].bfloat16()',
  '    return flash_attn_varlen_kvpacked_func(q, kv, cu_seqlens, cu_seqlens, max_seqlen, max_seqlen, dropout_p=0.1)',
].join('\n');

describe('varlen flash-attn through bert_padding', () => {
  it('annotates the packed varlen functions, one packed tensor read as q, k and v', async () => {
    assert.deepEqual(annotate(await sitesOfSource(PACKED)).filter((l) => !l.includes(' infer ')), [
      'snippet.py:8:11 flash_attn_varlen_qkvpacked_func train_step',
      '  train reached=true fp32,fp32,fp32 mask=none causal=true p=0.1 layout=? H=8 D=64 → raises: FlashAttention only support fp16 and bf16 data type',
      '  dtype-unsupported error train 8:44 flash_attn_varlen_qkvpacked_func: "FlashAttention only support fp16 and bf16 data type" — `qkv_unpad` is float32 (`.float()` at snippet.py:6) (training path: the name `train_step`)',
      'snippet.py:10:12 flash_attn_varlen_kvpacked_func train_step',
      '  train reached=true bf16,bf16,bf16 mask=none causal=false p=0.1 layout=? H=8 D=64 → fa2',
    ]);
  });


  it('annotates a padding-free module from its padded tensors, on both paths', async () => {
    assert.deepEqual(annotate(await sitesOf(['varlen/padded.py'])), [
      'varlen/padded.py:23:15 flash_attn_varlen_func PackedAttention.forward',
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=? H=16 D=64 → fa2',
      '  infer reached=true ?,?,? mask=none causal=true p=0 layout=? H=16 D=64 → raises: FlashAttention only support fp16 and bf16 data type without autocast · fa2 under float16 or bfloat16 autocast',
      '  dtype-unsupported warning infer 23:38 flash_attn_varlen_func: "FlashAttention only support fp16 and bf16 data type" — `q_unpad` is float32 (parameters of `nn.Embedding` at padded.py:31 (float32)); `k_unpad` is float32 (parameters of `nn.Embedding` at padded.py:31 (float32)); `v_unpad` is float32 (parameters of `nn.Embedding` at padded.py:31 (float32)) (inference path: @torch.no_grad() on embed) (without autocast)',
    ]);
  });

  it('casts a packed qkv once, in the message and in the fix', async () => {
    const [report] = await analyzeFiles([{ path: 'packed.py', text: PACKED }], SETTINGS);
    const fix = report!.calls[0]!.findings.find((f) => f.code === 'dtype-unsupported')?.fix;
    assert.deepEqual(fix && { title: fix.title, edits: fix.edits.map((e) => `${e.span.line}:${e.span.column} ${e.newText}`) },
      { title: 'Cast qkv_unpad → bfloat16', edits: ['8:53 .to(torch.bfloat16)'] });
  });

  it('finds float32 reaching flash-attn through unpad_input outside autocast', async () => {
    const [site] = await sitesOf(['varlen/padded.py'], { ...SETTINGS, autocast: 'off' });
    assert.equal(told(site!.modes.infer.facts.dtypes.q), 'float32 | parameters of `nn.Embedding` at padded.py:31 (float32)');
    assert.deepEqual(annotate([site!]).slice(1), [
      '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=? H=16 D=64 → fa2',
      '  infer reached=true fp32,fp32,fp32 mask=none causal=true p=0 layout=? H=16 D=64 → raises: FlashAttention only support fp16 and bf16 data type',
      '  dtype-unsupported error infer 23:38 flash_attn_varlen_func: "FlashAttention only support fp16 and bf16 data type" — `q_unpad` is float32 (parameters of `nn.Embedding` at padded.py:31 (float32)); `k_unpad` is float32 (parameters of `nn.Embedding` at padded.py:31 (float32)); `v_unpad` is float32 (parameters of `nn.Embedding` at padded.py:31 (float32)) (inference path: @torch.no_grad() on embed)',
    ]);
  });

  it('reads the known items of unpad_input whatever its length, and nothing past them', async () => {
    const [decode, lengths] = await sitesOfSource(SOURCE);
    assert.deepEqual(annotate([decode!]), [
      'snippet.py:11:12 flash_attn_varlen_func decode',
      '  train reached=false fp16,fp16,? mask=none causal=false p=0 layout=? H=4 D=320 → raises: FlashAttention forward only supports head dimension at most 256',
      '  infer reached=true fp16,fp16,? mask=none causal=false p=0 layout=? H=4 D=320 → raises: FlashAttention forward only supports head dimension at most 256',
      '  head-dim error infer 11:35 flash-attn: "FlashAttention forward only supports head dimension at most 256" — head size 320 (`320` = 320 (snippet.py:7)) (inference path: @torch.inference_mode() on decode)',
    ]);
    // Three names for four or five items: Python raises; the analysis does not guess which item is which.
    assert.equal(told(decode!.modes.infer.facts.dtypes.v), '? | `v_unpad` (unpad_input returns 4 items before flash-attn 2.7 and 5 from 2.7 on)');
    assert.equal(told(lengths!.modes.infer.facts.dtypes.q), 'float16 | `.half()` at snippet.py:16');
    assert.equal(told(lengths!.modes.infer.facts.dtypes.v), '? | `unpad_input(x.half().view(2, 128, 4, 64), mask)[4]` (unpad_input returns 4 items before flash-attn 2.7 and 5 from 2.7 on)');
  });
});
