/** The runtime's own order over its kernels' declared capabilities: fused → gqa (grouped heads) → math. */
import type { KernelCapability } from '../../../runtime/dispatch/capabilities';
import { call, env, runRows, type Row } from './call';

const capability = (kernel: string, over: Partial<KernelCapability> = {}): KernelCapability => ({
  kernel, provider: 'webgpu', dtypes: ['float32'], masks: ['none', 'float', 'bool'], causal: true,
  groupedHeads: false, crossLengths: true, maxHeadDim: null, dropout: false, status: { ok: true }, ...over,
});

const PARITY = 'parity failed: relative L2 error 0.71 > 1e-4 (float32)';
const healthy = [capability('fused', { maxHeadDim: 256 }), capability('gqa', { groupedHeads: true, masks: ['none'] }), capability('math', { groupedHeads: true })];
const broken = [capability('fused', { status: { ok: false, reason: PARITY } }), ...healthy.slice(1)];
const onWasm = healthy.map((c) => ({ ...c, provider: 'wasm' as const }));

const web = (spec: Parameters<typeof call>[0] = {}) => call({ api: 'runtime', q: 'float32', ...spec });
const gpu = env({ device: 'webgpu' });

const rows: Row[] = [
  ['fused runs first', web(), gpu, { outcome: 'runs', backend: 'web.fused', absent: ['web.gqa'] }],
  ['grouped heads skip fused for gqa', web({ kvHeads: 2 }), gpu, {
    outcome: 'runs', backend: 'web.gqa', reasons: { 'web.fused': 'fused needs as many key/value heads as query heads on webgpu, got 2 for 8' },
  }],
  ['a mask kind the kernel lacks', web({ kvHeads: 2, mask: 'float' }), gpu, {
    outcome: 'runs', backend: 'web.math', reasons: { 'web.gqa': 'gqa takes no float mask on webgpu' },
  }],
  ['head dim above the kernel maximum', web({ headDim: 512 }), gpu, {
    outcome: 'runs', backend: 'web.math', reasons: { 'web.fused': 'fused takes head dims up to 256 on webgpu, got 512' },
  }],
  ['an unsupported dtype everywhere: nothing runs', web({ q: 'float16' }), gpu, {
    outcome: 'raises', error: 'no runtime kernel on webgpu accepts this call', reasons: { 'web.math': 'math takes float32 on webgpu, not float16' },
  }],
  ['mixed dtypes are rejected, not converted', web({ v: 'float16' }), gpu, {
    outcome: 'raises', reasons: { 'web.fused': 'q, k and v must have one dtype, got q: float32, k: float32, v: float16' },
  }],
  ['library mask objects are not runtime masks', web({ mask: 'library', maskClass: 'LowerTriangularMask' }), gpu, { outcome: 'raises', status: { 'web.math': 'rejected' } }],
  ['dropout is measured without it', web({ dropout: 0.1, mode: 'train' }), gpu, {
    outcome: 'runs', backend: 'web.fused', notes: ['dropout 0.1 is not implemented by the runtime: measured without dropout'],
  }],
  ['kernels of another provider do not count', web(), env({ device: 'wasm' }), {
    outcome: 'raises', reasons: { 'web.fused': 'kernel `fused` is not available on wasm' },
  }],
  ['the runtime policy needs a web device', web(), env({ device: 'cuda' }), { outcome: 'raises', error: 'the runtime runs on webgpu or wasm, not cuda' }],
];

describe('dispatch: web runtime', () => {
  runRows(rows, healthy);
  describe('with fused broken by parity', () => runRows([
    ['a broken kernel is rejected with its reason', web(), gpu, { outcome: 'runs', backend: 'web.math', reasons: { 'web.fused': PARITY } }],
  ], broken));
  describe('with gqa always causal', () => {
    const alwaysCausal = healthy.map((c) => (c.kernel === 'gqa' ? { ...c, causalOnly: true } : c));
    runRows([
      ['a non-causal grouped call skips gqa', web({ kvHeads: 2, causal: false }), gpu, {
        outcome: 'runs', backend: 'web.math', reasons: { 'web.gqa': 'gqa is always causal on webgpu; this call is not causal' },
      }],
      ['a causal grouped call takes gqa', web({ kvHeads: 2, causal: true }), gpu, { outcome: 'runs', backend: 'web.gqa' }],
    ], alwaysCausal);
  });
  describe('on wasm', () => runRows([['wasm capabilities apply on wasm', web(), env({ device: 'wasm' }), { outcome: 'runs', backend: 'web.fused' }]], onWasm));
});
