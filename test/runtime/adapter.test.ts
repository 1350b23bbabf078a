import * as assert from 'node:assert/strict';
import { deviceFeatures, subgroupPlan, type AdapterReport } from '../../runtime/providers/adapter';

const swiftshader: AdapterReport = {
  vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', device: '', shaderF16: false,
  subgroups: true, subgroupMinSize: 4, subgroupMaxSize: 4, maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30,
  features: ['float32-filterable', 'subgroup-size-control', 'subgroups', 'timestamp-query'],
};

describe('subgroup decision', () => {
  const rows: [string, Partial<AdapterReport>, 'auto' | 'on' | 'off', boolean, RegExp][] = [
    ['4-lane subgroups (SwiftShader)', {}, 'auto', false, /can have 4 lanes .* needs at least 8/],
    ['32-lane subgroups', { subgroupMinSize: 32, subgroupMaxSize: 32 }, 'auto', true, /at least 32 lanes/],
    ['8-to-64-lane subgroups', { subgroupMinSize: 8, subgroupMaxSize: 64 }, 'auto', true, /kept/],
    ['unknown subgroup size', { subgroupMinSize: null, subgroupMaxSize: null }, 'auto', false, /does not report its subgroup size/],
    ['no subgroups at all', { subgroups: false, features: ['timestamp-query'] }, 'auto', false, /has no subgroups/],
    ['forced on', {}, 'on', true, /forced on/],
    ['forced off', { subgroupMinSize: 32 }, 'off', false, /turned off/],
  ];
  for (const [name, change, setting, use, reason] of rows) {
    it(`${name}, ${setting}: ${use ? 'keeps' : 'drops'} subgroups`, () => {
      const plan = subgroupPlan({ ...swiftshader, ...change }, setting);
      assert.equal(plan.use, use);
      assert.match(plan.reason, reason);
    });
  }
  it('drops both subgroup features (either alone turns the subgroup kernels on) and keeps the rest', () => {
    assert.deepEqual(deviceFeatures(swiftshader, { use: false, reason: '' }), ['float32-filterable', 'timestamp-query']);
    assert.deepEqual(deviceFeatures(swiftshader, { use: true, reason: '' }), swiftshader.features);
  });
});
