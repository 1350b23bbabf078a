/** transformers' `from_pretrained(attn_implementation=…)`: the implementation its layers run (docs/dispatch.md). */
import type { CallFacts, Dtype, Fact, TransformersLoad } from '../../../runtime/dispatch/facts';
import { known } from '../../../runtime/dispatch/facts';
import { call, env, runRows, U, type CallSpec, type Row } from './call';

function load(implementation: Fact<string | null> | string | null, weights: Dtype, more: Partial<TransformersLoad> & Pick<CallSpec, 'autocast'> = {}): CallFacts {
  const { autocast, ...rest } = more;
  return {
    ...call({ api: 'from_pretrained', q: weights, ...(autocast !== undefined ? { autocast } : {}) }),
    transformers: {
      implementation: typeof implementation === 'object' && implementation !== null ? implementation : known(implementation, 'test'),
      outputAttentions: known(false, 'test'), dtypeGiven: true, modelClass: null, ...rest,
    },
  };
}

const FA2_DTYPE = 'FlashAttention only support fp16 and bf16 data type';

const rows: Row[] = [
  ['flash_attention_2 with bf16 weights runs it', load('flash_attention_2', 'bfloat16'), env(), {
    outcome: 'runs', backend: 'transformers.flash_attention_2', order: ['transformers.flash_attention_2'],
  }],
  ['flash_attention_2 with float32 weights outside autocast: flash-attn raises', load('flash_attention_2', 'float32'), env(), {
    outcome: 'raises', error: FA2_DTYPE,
  }],
  ['flash_attention_2 with float32 weights under bf16 autocast: the layers cast q, k, v down', load('flash_attention_2', 'float32', { autocast: 'bfloat16' }), env(), {
    outcome: 'runs', backend: 'transformers.flash_attention_2',
  }],
  ['flash_attention_2 with float32 weights and unknown autocast depends on it', load('flash_attention_2', 'float32', { autocast: U('whether the caller runs under autocast') }), env(), {
    outcome: 'depends', backend: 'transformers.flash_attention_2',
  }],
  ['flash_attention_2 without flash_attn raises transformers\' ImportError', load('flash_attention_2', 'bfloat16'), env({ flashAttn: false }), {
    outcome: 'raises', errorStarts: 'FlashAttention2 has been toggled on, but it cannot be used due to the following error: the package flash_attn seems to be not installed.',
  }],
  ['flash_attention_2 on sm75 raises flash-attn\'s GPU error', load('flash_attention_2', 'float16'), env({ sm: 75 }), {
    outcome: 'raises', error: 'FlashAttention only supports Ampere GPUs or newer.',
  }],
  ['sdpa asked for runs SDPA', load('sdpa', 'float32'), env(), { outcome: 'runs', backend: 'transformers.sdpa', order: ['transformers.sdpa', 'transformers.eager'] }],
  ['sdpa with output_attentions=True falls back to eager', load('sdpa', 'float16', { outputAttentions: known(true, 'test') }), env(), {
    outcome: 'runs', backend: 'transformers.eager',
    reasons: { 'transformers.sdpa': '`torch.nn.functional.scaled_dot_product_attention` does not support `output_attentions=True`. Falling back to eager attention. This warning can be removed using the argument `attn_implementation="eager"` when loading the model.' },
  }],
  ['not passed: SDPA by default, eager on torch 2.0', load(null, 'float32'), env({ torch: [2, 0] }), {
    outcome: 'runs', backend: 'transformers.eager', reasons: { 'transformers.sdpa': 'PyTorch SDPA requirements in Transformers are not met. Please install torch>=2.1.1.' },
  }],
  ['sdpa asked for on torch 2.0 raises', load('sdpa', 'float32'), env({ torch: [2, 0] }), {
    outcome: 'raises', error: 'PyTorch SDPA requirements in Transformers are not met. Please install torch>=2.1.1.',
  }],
  ['another implementation is named, not judged', load('flex_attention', 'float32'), env(), { outcome: 'runs', backend: 'transformers.flex_attention' }],
  ['an unknown implementation leaves every one depending on it', load(U('attn_implementation (the argument `impl` of load)'), 'bfloat16'), env(), {
    outcome: 'depends', backend: 'transformers.flash_attention_2', order: ['transformers.flash_attention_2', 'transformers.sdpa', 'transformers.eager'],
    status: { 'transformers.eager': 'depends' },
  }],
];

describe('dispatch: transformers from_pretrained', () => runRows(rows));
