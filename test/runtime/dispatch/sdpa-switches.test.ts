/** RULES.md "Controls" under SDPA: sdpa_kernel, enable_*_sdp and set_priority, on CUDA and CPU. */
import { known, SDPA_BACKENDS, unknown, type SdpaBackend, type SdpaSwitches } from '../../../runtime/dispatch/facts';
import { call, env, runRows, type Row } from './call';

const WHERE = '`sdpa_kernel(...)` at train.py:9';

/** What `sdpa_kernel(backends)` leaves on: the listed backends, every other one off. */
function switchesFor(backends: readonly SdpaBackend[], priority = false): SdpaSwitches {
  const enabled = Object.fromEntries(SDPA_BACKENDS.map((b) => [b, known(backends.includes(b), WHERE)]));
  return { enabled, ...(priority ? { priority: known(backends, WHERE) } : {}) };
}

const off = (backend: SdpaBackend, source: string): SdpaSwitches => ({ enabled: { [backend]: known(false, source) } });

const NO_KERNEL = 'No available kernel. Aborting execution.';
/** The CPU's wording has two spaces (v2.6.0 and main 02315a4). */
const NO_KERNEL_CPU = 'No available kernel.  Aborting execution.';
const FLASH_OFF = `Flash attention has been runtime disabled. (${WHERE})`;
const EFFICIENT_OFF = `Memory Efficient attention has been runtime disabled. (${WHERE})`;
const MATH_OFF = `The math kernel has been disabled. (${WHERE})`;
const FLASH_MASK = 'Flash Attention does not support non-null attn_mask.';

const cuda: Row[] = [
  ['sdpa_kernel(FLASH) with a mask: flash refuses it, nothing else is on', call({ mask: 'bool', sdpaBackends: switchesFor(['flash']) }), env(), {
    outcome: 'raises', backend: null, error: NO_KERNEL,
    status: { 'sdpa.flash': 'rejected', 'sdpa.efficient': 'rejected', 'sdpa.math': 'rejected' },
    reasons: { 'sdpa.flash': FLASH_MASK, 'sdpa.efficient': EFFICIENT_OFF, 'sdpa.math': MATH_OFF },
  }],
  ['sdpa_kernel(FLASH) without a mask runs flash', call({ sdpaBackends: switchesFor(['flash']) }), env(), { outcome: 'runs', backend: 'sdpa.flash' }],
  ['sdpa_kernel([EFFICIENT, MATH]): flash is off by the switch, efficient runs', call({ sdpaBackends: switchesFor(['efficient', 'math']) }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient', reasons: { 'sdpa.flash': FLASH_OFF },
  }],
  ['sdpa_kernel(MATH) runs math', call({ sdpaBackends: switchesFor(['math']) }), env(), {
    outcome: 'runs', backend: 'sdpa.math', notes: ['the math kernel materialises the 128×128 score matrix'],
  }],
  ['enable_flash_sdp(False) names its call', call({ sdpaBackends: off('flash', '`torch.backends.cuda.enable_flash_sdp(False)` at train.py:3') }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient',
    reasons: { 'sdpa.flash': 'Flash attention has been runtime disabled. (`torch.backends.cuda.enable_flash_sdp(False)` at train.py:3)' },
  }],
  ['an unknown switch makes the backend depend on it', call({ sdpaBackends: { enabled: { flash: unknown('`enable_flash_sdp(use_flash)` at train.py:3') } } }), env(), {
    outcome: 'depends', backend: 'sdpa.flash', reasons: { 'sdpa.flash': 'depends on `enable_flash_sdp(use_flash)` at train.py:3' },
  }],
  ['an unknown switch of a backend already refused changes nothing', call({ mask: 'bool', sdpaBackends: { enabled: { flash: unknown('`enable_flash_sdp(x)`') } } }), env(), {
    outcome: 'runs', backend: 'sdpa.efficient',
  }],
  ['sdpa_kernel(CUDNN) on sm80 reaches cuDNN after math', call({ sdpaBackends: switchesFor(['cudnn']) }), env(), {
    outcome: 'runs', backend: 'sdpa.cudnn', order: ['sdpa.flash', 'sdpa.efficient', 'sdpa.math', 'sdpa.cudnn'],
  }],
  ['without a switch cuDNN is not a candidate on sm80', call(), env(), { outcome: 'runs', backend: 'sdpa.flash', absent: ['sdpa.cudnn'] }],
  ['sdpa_kernel(CUDNN) before torch 2.5: no kernel', call({ sdpaBackends: switchesFor(['cudnn']) }), env({ torch: [2, 4] }), { outcome: 'raises', error: NO_KERNEL }],
  ['set_priority=True tries the listed order', call({ sdpaBackends: switchesFor(['math', 'flash'], true) }), env(), {
    outcome: 'runs', backend: 'sdpa.math', order: ['sdpa.math', 'sdpa.flash', 'sdpa.efficient', 'sdpa.cudnn'],
  }],
  ['without set_priority PyTorch keeps its own order', call({ sdpaBackends: switchesFor(['math', 'flash']) }), env(), {
    outcome: 'runs', backend: 'sdpa.flash', order: ['sdpa.flash', 'sdpa.efficient', 'sdpa.math'],
  }],
  ['set_priority with cuDNN first on sm90 drops the "tried first" version condition', call({ sdpaBackends: switchesFor(['cudnn', 'flash'], true) }), env({ sm: 90 }), {
    outcome: 'runs', backend: 'sdpa.cudnn',
  }],
  ['math switched off with mask and is_causal: no kernel instead of the math error', call({ mask: 'bool', causal: true, sdpaBackends: switchesFor(['flash']) }), env({ torch: [2, 0] }), {
    outcome: 'raises', error: NO_KERNEL,
  }],
];

const cpu = env({ device: 'cpu' });

const cpuRows: Row[] = [
  ['CPU: sdpa_kernel(EFFICIENT) leaves no CPU kernel', call({ q: 'float32', sdpaBackends: switchesFor(['efficient']) }), cpu, {
    outcome: 'raises', error: NO_KERNEL_CPU, reasons: { 'sdpa.flash': FLASH_OFF, 'sdpa.math': MATH_OFF },
  }],
  ['CPU: enable_flash_sdp(False) runs math', call({ q: 'float32', sdpaBackends: off('flash', 'x') }), cpu, { outcome: 'runs', backend: 'sdpa.math' }],
  ['CPU: set_priority does not reorder', call({ q: 'float32', sdpaBackends: switchesFor(['math', 'flash'], true) }), cpu, {
    outcome: 'runs', backend: 'sdpa.flash', order: ['sdpa.flash', 'sdpa.math'],
  }],
  ['CPU: sdpa_kernel(FLASH) with dropout: no kernel', call({ q: 'float32', dropout: 0.1, mode: 'train', sdpaBackends: switchesFor(['flash']) }), cpu, {
    outcome: 'raises', error: NO_KERNEL_CPU, reasons: { 'sdpa.flash': 'Both fused kernels do not support non-zero dropout.' },
  }],
];

describe('dispatch: SDPA backend switches', () => {
  describe('CUDA', () => runRows(cuda));
  describe('CPU', () => runRows(cpuRows));
  describe('nn.MultiheadAttention follows them too', () => runRows([
    ['sdpa_kernel(FLASH) with a mask', call({ api: 'multihead_attention', mask: 'bool', sdpaBackends: switchesFor(['flash']) }), env(), { outcome: 'raises', error: NO_KERNEL }],
  ]));
});

describe('dispatch: SDPA backend switches with an unknown order', () => runRows([
  ['an unknown set_priority makes the enabled backends depend on it', call({ sdpaBackends: { ...switchesFor(['math', 'flash']), priority: unknown('the order of `sdpa_kernel(b, set_priority=p)`') } }), env(), {
    outcome: 'depends', reasons: { 'sdpa.flash': 'depends on the order of `sdpa_kernel(b, set_priority=p)`' }, status: { 'sdpa.efficient': 'rejected' },
  }],
]));
