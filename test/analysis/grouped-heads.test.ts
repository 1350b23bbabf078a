/**
 * Grouped heads (docs/rules/grouped-heads.md): `enable_gqa=` read at SDPA calls; k, v heads from the
 * code's shapes; the flag's absence with fewer k/v heads (PyTorch raises), and a flag that keeps SDPA
 * on its math kernel where repeating k and v would not (transformers passes it only without a mask).
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { annotate, applyEdits, readFixture, SETTINGS, siteAt, sitesOf, told } from './helpers';

describe('grouped heads (enable_gqa)', () => {
  it('llama3: the flag runs flash, its absence raises, with a mask it keeps math, equal heads change nothing', async () => {
    assert.deepEqual(annotate(await sitesOf(['gqa/llama3.py'])), [
      "gqa/llama3.py:26:15 sdpa Attention.forward",
      "  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=32 D=128 → flash",
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=32 D=128 → math (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      "gqa/llama3.py:36:15 sdpa ForgotTheFlag.forward",
      "  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=32 D=128 → raises: The size of tensor a (32) must match the size of tensor b (8) at non-singleton …",
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=32 D=128 → raises: The size of tensor a (32) must match the size of tensor b (8) at non-singleton …',
      "  grouped-heads error train 36:15 SDPA raises here on the training path: k and v have 8 heads (`self.n_kv_heads` = 8 (llama3.py:11)), q 32 (`self.n_heads` = 32 (llama3.py:11)), and enable_gqa is not True: \"The size of tensor a (32) must match the size of tensor b (8) at non-singleton dimension 1\". Pass enable_gqa=True, or repeat k and v to q's heads (k.repeat_interleave(4, dim=1), likewise v)",
      "gqa/llama3.py:46:15 sdpa PaddedGqa.forward",
      "  train reached=true bf16,bf16,bf16 mask=bool causal=false p=0 layout=BHLD H=32 D=128 → math (flash off: attn_mask is not None)",
      '  infer reached=false ?,?,? mask=float causal=false p=0 layout=BHLD H=32 D=128 → math (flash off: attn_mask is not None)',
      "  mask-disables-flash information train 46:68 Flash is off on the training path: `mask` is a bool tensor (`ones` at llama3.py:64); \"Flash Attention does not support non-null attn_mask.\" — SDPA falls back to the memory-efficient or math kernel",
      "  grouped-heads warning train 46:85 enable_gqa keeps SDPA on its math kernel here on the training path: k and v have 8 heads (`self.n_kv_heads` = 8 (llama3.py:11)), q 32 (`self.n_heads` = 32 (llama3.py:11)), and the memory-efficient kernel takes no grouped heads: \"For dense input, both fused kernels require query, key and value to have the same num_heads. Query.sizes(): [?, 32, ?, 128], Key sizes(): [?, 8, ?, 128], Value sizes(): [?, 8, ?, 128] instead. To broadcast dense inputs, try using unsqueeze and expand_to before passing them into the kernel.\". Repeat k and v to q's heads before the call (repeat_kv, or k.repeat_interleave(4, dim=1)) and drop enable_gqa: the memory-efficient kernel then runs, not the math kernel's L×S score matrix",
      "gqa/llama3.py:60:16 sdpa EqualHeads.forward",
      "  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BHLD H=16 D=64 → flash",
      '  infer reached=false ?,?,? mask=none causal=true p=0 layout=BHLD H=16 D=64 → efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
    ]);
  });

  it('fixes a forgotten flag by passing enable_gqa=True', async () => {
    const site = siteAt(await sitesOf(['gqa/llama3.py']), 36);
    const fix = callReport(site, environmentOf(SETTINGS)).findings.find((f) => f.code === 'grouped-heads')?.fix;
    assert.equal(fix?.title, 'Pass enable_gqa=True');
    const fixed = applyEdits(readFixture('gqa/llama3.py'), fix.edits).split('\n')[35];
    assert.equal(fixed, '        out = F.scaled_dot_product_attention(xq, xk, xv, is_causal=True, enable_gqa=True)');
  });

  it('before torch 2.5 the flag raises, and the forgotten one has no fix', async () => {
    const settings = { ...SETTINGS, torch: [2, 4] as const };
    const sites = await sitesOf(['gqa/llama3.py'], settings);
    const flagged = callReport(siteAt(sites, 26), environmentOf(settings)).modes.train.decision;
    assert.equal(flagged.error, "scaled_dot_product_attention() got an unexpected keyword argument 'enable_gqa'");
    const forgot = callReport(siteAt(sites, 36), environmentOf(settings)).findings.find((f) => f.code === 'grouped-heads');
    assert.equal(forgot?.fix, undefined);
    assert.ok(forgot?.message.endsWith("Repeat k and v to q's heads (enable_gqa needs torch 2.5) (k.repeat_interleave(4, dim=1), likewise v)"));
  });

  it('hf_sdpa: the flag only without a mask (flash), k and v repeated with one (efficient)', async () => {
    const sites = await sitesOf(['gqa/hf_sdpa.py']);
    assert.deepEqual(annotate(sites), [
      "gqa/hf_sdpa.py:24:12 sdpa sdpa_attention_forward",
      "  train reached=true bf16,bf16,bf16 mask=bool causal=false p=0 layout=BHLD H=16 D=128 → efficient (flash off: attn_mask is not None)",
      "  infer reached=true bf16,bf16,bf16 mask=none causal=false p=0 layout=BHLD H=16 D=128 → flash",
      "  mask-disables-flash information train 24:72 Flash is off on the training path: `attention_mask` is a bool tensor (`ones` at hf_sdpa.py:47); \"Flash Attention does not support non-null attn_mask.\" — SDPA falls back to the memory-efficient or math kernel",
    ]);
    const { train, infer } = sites[0]!.modes;
    assert.equal(train.facts.enableGqa, undefined);
    assert.equal(told(train.facts.shape.kvHeads), '16 | `num_key_value_heads * n_rep` = 16 (num_key_value_heads * n_rep at hf_sdpa.py:14)');
    assert.equal(told(infer.facts.enableGqa!), 'true | True at hf_sdpa.py:19');
    assert.equal(told(infer.facts.shape.kvHeads), '4 | `self.num_key_value_heads` = 4 (hf_sdpa.py:28)');
  });
});
