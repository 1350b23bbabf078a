/** FlexAttention: PyTorch's Python checks raise first; then fused under torch.compile, else the eager reference. */
import type { CallFacts } from '../../../runtime/dispatch/facts';
import { known } from '../../../runtime/dispatch/facts';
import { call, env, runRows, U, type CallSpec, type Row } from './call';

const flexCall = (compiled: CallFacts['compiled'], spec: CallSpec = {}): CallFacts => ({ ...call({ api: 'flex_attention', ...spec }), ...(compiled ? { compiled } : {}) });
const EAGER = 'flex_attention called without torch.compile() - this will use an unfused implementation that materializes the full scores matrix instead of generating a fused kernel.';

const rows: Row[] = [
  ['compiled: the fused kernel', flexCall(known(true, 'test')), env(), { outcome: 'runs', backend: 'flex.compiled', order: ['flex.compiled', 'flex.eager'] }],
  ['not compiled: the eager reference path, with PyTorch\'s warning as the reason', flexCall(known(false, 'test')), env(), {
    outcome: 'runs', backend: 'flex.eager', reasons: { 'flex.compiled': EAGER }, notes: ['materialises the L×S scores'],
  }],
  ['unknown compilation depends on it', flexCall(U('whether its caller is compiled (`torch.compile`)')), env(), { outcome: 'depends', backend: 'flex.compiled' }],
  ['mixed dtypes raise in _validate_sdpa_input, whatever the autocast', flexCall(known(true, 'test'), { q: 'float16', k: 'float32', v: 'float16', autocast: 'float16' }), env(), {
    outcome: 'raises', error: 'Expected query, key, and value to have the same dtype, but got query.dtype: torch.float16, key.dtype: torch.float32, and value.dtype: torch.float16 instead.',
  }],
  ['grouped heads without enable_gqa raise', flexCall(known(true, 'test'), { heads: 32, kvHeads: 8 }), env(), {
    outcome: 'raises', error: 'Expect query and key/value to have the same number of heads but got Hq=32 and Hkv=8. Try setting enable_gqa=True for GQA.',
  }],
  ['grouped heads with enable_gqa run', flexCall(known(true, 'test'), { heads: 32, kvHeads: 8, enableGqa: true }), env(), { outcome: 'runs', backend: 'flex.compiled' }],
  ['enable_gqa with heads that do not divide raises', flexCall(known(true, 'test'), { heads: 12, kvHeads: 8, enableGqa: true }), env(), {
    outcome: 'raises', error: 'Expect number of query heads to be a multiple of kv heads for GQA but got Hq=12 and Hkv=8.',
  }],
  ['3-D inputs raise', flexCall(known(true, 'test'), { rank: 3 }), env(), { outcome: 'raises', error: 'NYI: query, key, and value must be 4D tensors' }],
  ['float32 and CPU are fine (no dtype or device limit in the Python checks)', flexCall(known(false, 'test'), { q: 'float32' }), env({ device: 'cpu' }), { outcome: 'runs', backend: 'flex.eager' }],
];

describe('dispatch: FlexAttention', () => runRows(rows));
