/**
 * Device checks answered by the settings (torch/device-queries.ts): the device the model runs on
 * and the target GPU decide them; another accelerator's check is never the setting's device.
 */
import * as assert from 'node:assert/strict';
import { deviceQuery } from '../../extension/analysis/torch/device-queries';

const truth = (name: string, device: 'cuda' | 'cpu' = 'cuda', sm = 80): boolean | undefined => {
  const v = deviceQuery(name, { device, sm });
  return v?.t === 'bool' ? v.value : undefined;
};

describe('device checks', () => {
  it('answers torch.cuda.is_available() and is_torch_cuda_available() by the device setting', () => {
    assert.deepEqual(['torch.cuda.is_available', 'is_torch_cuda_available'].map((n) => [truth(n), truth(n, 'cpu')]), [[true, false], [true, false]]);
  });

  it('answers other accelerators\' checks and the libraries\' helpers for them False, on either device', () => {
    const names = ['torch.backends.mps.is_available', 'torch.xpu.is_available', 'torch.npu.is_available', 'is_torch_npu_available', 'is_torch_xla_available', 'is_npu_available', 'utils.is_torch_mlu_available'];
    assert.deepEqual(names.map((n) => [truth(n), truth(n, 'cpu')]), names.map(() => [false, false]));
  });

  it('answers is_bf16_supported() True from sm80 on a CUDA device only, and leaves it open below', () => {
    assert.deepEqual([truth('torch.cuda.is_bf16_supported'), truth('torch.cuda.is_bf16_supported', 'cuda', 90), truth('torch.cuda.is_bf16_supported', 'cuda', 75), truth('torch.cuda.is_bf16_supported', 'cpu')], [true, true, undefined, undefined]);
  });

  it('says why, naming the setting', () => {
    const v = deviceQuery('is_torch_npu_available', { device: 'cuda', sm: 80 });
    assert.deepEqual(v, { t: 'bool', value: false, why: '`is_torch_npu_available()` is False: the model runs on cuda (device setting), not npu' });
  });

  it('leaves any other name alone', () => {
    assert.deepEqual(['torch.cuda.device_count', 'is_xformers_available', 'is_available', 'torch.cuda.is_bf16'].map((n) => deviceQuery(n, { device: 'cuda', sm: 80 })), [undefined, undefined, undefined, undefined]);
  });
});
