/**
 * transformers' `from_pretrained(…, attn_implementation=…)` (and `from_config`) as a configuration point: flash_attention_2
 * with float32 weights (asked for, or by default) warns at load and raises in flash-attn outside
 * autocast; SDPA with `output_attentions=True` falls back to eager. Messages from transformers' source
 * (docs/dispatch.md, `transformers`).
 */
import * as assert from 'node:assert/strict';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import { describeDecision } from '../../runtime/dispatch/describe';
import { annotate, applyEdits, readFixture, SETTINGS, siteAt, sitesOf, sitesOfSource } from './helpers';

const FIXTURE = 'transformers-load/load_models.py';
const FA2_RAISES = 'Outside autocast it casts float32 q, k, v to the weights\' dtype, so every attention layer raises "FlashAttention only support fp16 and bf16 data type" unless the model runs under torch.autocast.';

describe('analysis: transformers from_pretrained', () => {
  it('annotates each model load with the implementation its layers run, and leaves the tokenizer alone', async () => {
    assert.deepEqual(annotate(await sitesOf([FIXTURE])), [
      `${FIXTURE}:7:8 from_pretrained <module>`,
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → raises: FlashAttention only support fp16 and bf16 data type if flash_attn is installed, without autocast · flash_attention_2 if flash_attn is installed, under float16 or bfloat16 autocast · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → raises: FlashAttention only support fp16 and bf16 data type if flash_attn is installed, without autocast · flash_attention_2 if flash_attn is installed, under float16 or bfloat16 autocast · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
      `  flash-attention-2-dtype warning - 7:125 transformers warns when loading this model: "Flash Attention 2.0 only supports torch.float16 and torch.bfloat16 dtypes, but the current dype in <model class> is torch.float32." ${FA2_RAISES}`,
      `${FIXTURE}:10:17 from_pretrained <module>`,
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → raises: FlashAttention only support fp16 and bf16 data type if flash_attn is installed, without autocast · flash_attention_2 if flash_attn is installed, under float16 or bfloat16 autocast · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → raises: FlashAttention only support fp16 and bf16 data type if flash_attn is installed, without autocast · flash_attention_2 if flash_attn is installed, under float16 or bfloat16 autocast · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
      '  flash-attention-2-dtype warning - 10:97 transformers warns when loading this model: "You are attempting to use Flash Attention 2.0 without specifying a torch dtype. This might lead to unexpected behaviour"; '
        + `the weights load in float32 (from_pretrained without torch_dtype loads float32 weights (torch's default dtype)). ${FA2_RAISES}`,
      `${FIXTURE}:12:8 from_pretrained <module>`,
      '  train reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=? D=? → flash_attention_2 if flash_attn is installed · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
      '  infer reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=? D=? → flash_attention_2 if flash_attn is installed · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
      `${FIXTURE}:15:11 from_pretrained <module>`,
      '  train reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → eager (sdpa off: output_attentions=True)',
      '  infer reached=null fp32,fp32,fp32 mask=none causal=false p=0 layout=? H=? D=? → eager (sdpa off: output_attentions=True)',
      '  output-attentions information - 15:121 every attention layer of this model runs eager attention, materialising the L×S weights: '
        + '"`torch.nn.functional.scaled_dot_product_attention` does not support `output_attentions=True`. Falling back to eager attention. '
        + 'This warning can be removed using the argument `attn_implementation="eager"` when loading the model."',
      `${FIXTURE}:17:9 from_pretrained <module>`,
      '  train reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=? → sdpa',
      '  infer reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=? H=? D=? → sdpa',
    ]);
  });

  it('fixes the dtype with torch_dtype=torch.bfloat16: replacing the written one, or adding the keyword', async () => {
    const sites = await sitesOf([FIXTURE]);
    const fixes = [7, 10].map((line) => callReport(siteAt(sites, line), environmentOf(SETTINGS)).findings[0]!.fix!);
    assert.deepEqual(fixes.map((f) => f.title), ['Pass torch_dtype=torch.bfloat16', 'Pass torch_dtype=torch.bfloat16']);
    const lines = applyEdits(readFixture(FIXTURE), fixes.flatMap((f) => f.edits)).split('\n');
    assert.equal(lines[6], 'fp32 = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B", attn_implementation="flash_attention_2", torch_dtype=torch.bfloat16)');
    assert.equal(lines[9], 'default_dtype = LlamaForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B", attn_implementation="flash_attention_2", torch_dtype=torch.bfloat16)');
  });

  it('reports no load whose model the function only copies weights or the config from (nanoGPT\'s from_pretrained)', async () => {
    const source = [
      'from transformers import GPT2LMHeadModel',
      'def load_weights(model_type):',
      '    model_hf = GPT2LMHeadModel.from_pretrained(model_type)',
      '    sd_hf = model_hf.state_dict()',
      '    n_layer = model_hf.config.n_layer',
      '    return sd_hf, n_layer',
      'def generate(prompt):',
      '    model = GPT2LMHeadModel.from_pretrained("gpt2", attn_implementation="sdpa")',
      '    sd = model.state_dict()',
      '    return model.generate(prompt), sd',
    ].join('\n');
    assert.deepEqual((await sitesOfSource(source)).map((s) => `${s.span.line} ${s.function}`), ['8 generate']);
  });

  it('reads `from_config(config, …)` as a load too, its dtype the config\'s where none is passed', async () => {
    const source = [
      'import torch',
      'from transformers import AutoConfig, AutoModel',
      'config = AutoConfig.from_pretrained("bert-base-uncased")',
      'encoder = AutoModel.from_config(config)',
      'fa2 = AutoModel.from_config(config, attn_implementation="flash_attention_2", torch_dtype=torch.bfloat16)',
    ].join('\n');
    const sites = await sitesOfSource(source);
    assert.deepEqual(annotate(sites), [
      'snippet.py:4:11 from_pretrained <module>',
      '  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → sdpa',
      '  infer reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → sdpa',
      'snippet.py:5:7 from_pretrained <module>',
      '  train reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=? D=? → flash_attention_2 if flash_attn is installed · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
      '  infer reached=null bf16,bf16,bf16 mask=none causal=false p=0 layout=? H=? D=? → flash_attention_2 if flash_attn is installed · raises: FlashAttention2 has been toggled on, but it cannot be used due to the following… if flash_attn is not installed',
    ]);
    const q = sites[0]!.modes.infer.facts.dtypes.q;
    assert.equal(q.known ? q.value : q.dependsOn, 'the config\'s torch_dtype (from_config without torch_dtype takes the config\'s)');
  });

  it('reaches a load in a constructor on both path kinds: the model it builds runs in training and inference', async () => {
    const source = [
      'import torch.nn as nn',
      'from transformers import T5EncoderModel',
      'class FrozenT5Embedder(nn.Module):',
      '    def __init__(self, version="google/t5-v1_1-large"):',
      '        super().__init__()',
      '        self.transformer = T5EncoderModel.from_pretrained(version)',
      '    def forward(self, tokens):',
      '        return self.transformer(input_ids=tokens).last_hidden_state',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    assert.deepEqual([site!.modes.train.reached, site!.modes.infer.reached], [null, null]);
    assert.deepEqual(annotate([site!]).slice(1).map((l) => l.split(' → ')[1]), ['sdpa', 'sdpa']);
  });

  it('keeps the keyword a later release spells `dtype=`, and names a concrete model class', async () => {
    const source = [
      'import torch',
      'from transformers import LlamaForCausalLM',
      'm = LlamaForCausalLM.from_pretrained("x", attn_implementation="flash_attention_2", dtype=torch.float32)',
    ].join('\n');
    const [site] = await sitesOfSource(source);
    const [finding] = callReport(site!, environmentOf(SETTINGS)).findings;
    assert.equal(finding!.message.split('"')[1], 'Flash Attention 2.0 only supports torch.float16 and torch.bfloat16 dtypes, but the current dype in LlamaForCausalLM is torch.float32.');
    assert.equal(finding!.fix!.title, 'Pass dtype=torch.bfloat16');
  });

  it('float32 weights raise in flash-attn where the model runs outside autocast, and run under it', async () => {
    const installed = { flash_attn: true, xformers: null };
    const decisions = await Promise.all((['off', 'bfloat16'] as const).map(async (autocast) => {
      const settings = { ...SETTINGS, autocast, installed };
      return describeDecision(callReport(siteAt(await sitesOf([FIXTURE], settings), 7), environmentOf(settings)).modes.infer.decision);
    }));
    assert.deepEqual(decisions, ['raises: FlashAttention only support fp16 and bf16 data type', 'flash_attention_2']);
  });
});
