import * as assert from 'node:assert/strict';
import type { AdapterReport } from '../../../runtime/providers/adapter';
import { cpuAdapterReason } from '../../../scripts/bench/gpu-adapter';

const adapter = (vendor: string, architecture: string, description: string): AdapterReport => ({
  vendor, architecture, description, device: '', shaderF16: false, subgroups: false, subgroupMinSize: null, subgroupMaxSize: null,
  maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30, features: [],
});

describe('bench:device adapter check', () => {
  it('refuses SwiftShader and Mesa\'s lavapipe as CPU implementations of Vulkan', () => {
    assert.equal(cpuAdapterReason(adapter('google', 'swiftshader', 'SwiftShader driver 5.0.0')),
      'the only adapter is google / swiftshader / SwiftShader driver 5.0.0, a CPU implementation of Vulkan');
    assert.equal(cpuAdapterReason(adapter('mesa', '', 'llvmpipe (LLVM 15.0.6, 256 bits)')),
      'the only adapter is mesa / llvmpipe (LLVM 15.0.6, 256 bits), a CPU implementation of Vulkan');
  });
  it('takes a GPU', () => {
    assert.equal(cpuAdapterReason(adapter('nvidia', 'hopper', 'NVIDIA H100 80GB HBM3')), null);
  });
});
