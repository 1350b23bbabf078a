/**
 * transformers' `from_pretrained(…, attn_implementation=…)`: the attention function every layer of the
 * loaded model calls. Sources (docs/dispatch.md): modeling_utils.py at huggingface/transformers 040ba146
 * (`_autoset_attn_implementation`, `_check_and_enable_flash_attn_2`, `_check_and_enable_sdpa`) and the
 * layers' `forward` (eager when SDPA is asked for the weights).
 */
import { need, OK, raises, rejected, type BackendRule, type Condition } from '../check';
import { torchAtLeast, type CallContext } from '../context';
import type { Policy } from '../engine';
import type { Dtype, TransformersLoad } from '../facts';
import { flashAttn, transformers } from '../messages';
import { installed } from './library';

const LOW: readonly Dtype[] = ['float16', 'bfloat16'];

const load = (c: CallContext): TransformersLoad => {
  if (!c.facts.transformers) throw new RangeError('the transformers policy needs CallFacts.transformers');
  return c.facts.transformers;
};

/**
 * flash-attn raises on float32 q; transformers' flash path first casts float32 q, k, v to the autocast
 * dtype when autocast is on, else to the weights' own dtype (float32 again).
 */
const fa2Dtype: Condition = (c) => need([c.dtypes.q], (d) => LOW.includes(d) ? OK
  : need([c.facts.autocast], (a) => (a !== null && LOW.includes(a) ? OK : raises(flashAttn.dtype, `${d} weights`))));

const FLASH_ATTENTION_2: BackendRule = {
  backend: 'transformers.flash_attention_2',
  conditions: [
    installed('flash_attn', transformers.fa2NotInstalled),
    (c) => (c.env.device === 'cuda' ? OK : raises(flashAttn.notCuda, `device ${c.env.device}`)),
    (c) => (c.env.sm >= 80 ? OK : raises(flashAttn.gpu, `sm${c.env.sm}`)),
    fa2Dtype,
  ],
};

/** Asked for explicitly, SDPA's torch requirement raises; picked by default, its absence means eager. */
const sdpaTorch: Condition = (c) => {
  if (torchAtLeast(c.env, 2, 1)) return OK;
  return need([load(c).implementation], (asked) => (asked === 'sdpa' ? raises : rejected)(transformers.sdpaTorch, `torch ${c.env.torch.join('.')}`));
};

const SDPA: BackendRule = {
  backend: 'transformers.sdpa',
  conditions: [
    sdpaTorch,
    (c) => need([load(c).outputAttentions], (weights) => (weights ? rejected(transformers.sdpaOutputAttentions, 'output_attentions=True') : OK)),
  ],
};

const EAGER: BackendRule = { backend: 'transformers.eager', conditions: [] };

/** Any other implementation (`flex_attention`, `flash_attention_3`, a hub kernel): named, not judged. */
const named = (implementation: string): BackendRule => ({ backend: `transformers.${implementation}`, conditions: [] });

/** An unknown `attn_implementation` leaves every implementation possible. */
const UNKNOWN_ORDER: readonly BackendRule[] = [FLASH_ATTENTION_2, SDPA, EAGER].map((rule) => ({
  ...rule, conditions: [(c: CallContext) => need([load(c).implementation], () => OK), ...rule.conditions],
}));

function order(c: CallContext): readonly BackendRule[] {
  const asked = load(c).implementation;
  if (!asked.known) return UNKNOWN_ORDER;
  switch (asked.value) {
    case 'flash_attention_2': return [FLASH_ATTENTION_2];
    // Not passed: SDPA where torch has it (`_autoset_attn_implementation`), else eager.
    case null: case 'sdpa': return [SDPA, EAGER];
    case 'eager': return [EAGER];
    default: return [named(asked.value)];
  }
}

function notes(c: CallContext): string[] {
  const asked = load(c).implementation;
  if (!asked.known || asked.value !== 'flash_attention_2') return [];
  return ['transformers casts float32 q, k, v to the autocast dtype when autocast is on, else to the weights\' dtype, before calling flash-attn'];
}

export const TRANSFORMERS: Policy = {
  id: 'transformers',
  autocastAware: false,
  validation: [],
  backends: [FLASH_ATTENTION_2, SDPA, EAGER],
  order,
  warnings: () => [],
  notes,
};
