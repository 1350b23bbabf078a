/**
 * `nn.MultiheadAttention`: in torch 2.x its forward calls `F.scaled_dot_product_attention` only
 * when it need not return the weights (`need_weights=False`), and then follows SDPA's policy for the
 * device. With `need_weights=True`, the default, it computes softmax(q·kᵀ)·v explicitly to return
 * them (both in `F.multi_head_attention_forward` and in its inference fast path).
 */
import { need, OK, rejected, type BackendRule, type Condition } from '../check';
import type { BackendId } from '../decision';
import type { CallContext } from '../context';
import type { Policy } from '../engine';
import { known } from '../facts';

/** PyTorch's own words for the argument (its docstring). */
const ADVICE = 'Set need_weights=False to use the optimized scaled_dot_product_attention and achieve the best performance for MHA.';

/** The SDPA kernels run only without weights to return. */
const noWeights: Condition = (c) => !c.facts.needWeights ? OK : need([c.facts.needWeights], (weights) =>
  weights ? rejected(`need_weights=True: nn.MultiheadAttention computes softmax(q·kᵀ)·v itself to return the weights. ${ADVICE}`, 'need_weights=True') : OK);

/** Facts that do not state need_weights (the runtime's own calls) ask for no weights. */
const NOT_STATED = known(false, 'need_weights not stated');

/** The explicit computation, taken when the weights are asked for. */
const WEIGHTS: BackendRule = {
  backend: 'mha.weights',
  conditions: [(c) => need([c.facts.needWeights ?? NOT_STATED], (weights) =>
    weights ? OK : rejected('need_weights=False: nn.MultiheadAttention calls F.scaled_dot_product_attention', 'need_weights=False'))],
};

const withoutWeights = (rule: BackendRule): BackendRule => ({ ...rule, conditions: [noWeights, ...rule.conditions] });

export function multiheadAttention(sdpa: Policy): Policy {
  return {
    ...sdpa,
    id: 'multihead-attention',
    backends: [...sdpa.backends.map(withoutWeights), WEIGHTS],
    order: (c: CallContext) => [...(sdpa.order?.(c) ?? sdpa.backends).map(withoutWeights), WEIGHTS],
    notes: (c: CallContext, chosen: BackendId | null) => sdpa.notes(c, chosen),
  };
}
