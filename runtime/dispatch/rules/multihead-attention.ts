/**
 * `nn.MultiheadAttention`: in torch 2.x its forward calls `F.scaled_dot_product_attention`
 * (when it need not return the weights), so it follows SDPA's policy for the device.
 */
import type { BackendId } from '../decision';
import type { CallContext } from '../context';
import type { Policy } from '../engine';

const NOTE = 'nn.MultiheadAttention calls F.scaled_dot_product_attention only with need_weights=False ' +
  '(and outside its inference fast path); the default need_weights=True computes softmax(q·kᵀ)·v explicitly to return the weights';

export function multiheadAttention(sdpa: Policy): Policy {
  return {
    ...sdpa,
    id: 'multihead-attention',
    notes: (c: CallContext, chosen: BackendId | null) => [NOTE, ...sdpa.notes(c, chosen)],
  };
}
