import * as assert from 'node:assert/strict';
import { projectOptions } from '../../extension/server/project-settings';
import { parseProjectConfig } from '../../extension/project-config/project-config';
import { DEFAULT_SETTINGS, layerOptions, resolveSettings } from '../../extension/server/settings';
import { packageSettings } from '../../scripts/package-settings';

describe('server/settings', () => {
  it('gives the documented defaults for no options', () => {
    assert.deepEqual(resolveSettings(undefined), { settings: DEFAULT_SETTINGS, warnings: [] });
    assert.deepEqual(DEFAULT_SETTINGS, {
      annotations: true, inlayHints: false,
      analysis: { autocast: 'unknown', installed: { flash_attn: null, xformers: null }, torch: [2, 5], sm: 80, device: 'cuda', assumeInputs: 'float32-params' },
      targetGpu: 'H100', targetEfficiency: 0.6, shapeProfile: 'small', providers: ['webgpu', 'wasm'],
      measurement: { enabled: true, maxMillis: 20000 },
    });
  });

  it('takes [tool.attnlens] where the editor leaves a setting at its default, the editor\'s value elsewhere', () => {
    const project = projectOptions(parseProjectConfig('/p/pyproject.toml', '[tool.attnlens]\nautocast = "bfloat16"\ninstalled = ["xformers"]\ntorch = "2.3"\ngpu = 90\ndevice = "cpu"\ntarget = "A100"\n'));
    const editor = { autocast: 'unknown', torchVersion: '2.4', gpuArch: 80, device: 'cuda', targetGpu: 'T4', libraries: { flashAttn: 'unknown', xformers: 'unknown' } };
    const { settings, warnings } = resolveSettings(layerOptions(editor, project));
    assert.deepEqual([settings.analysis, settings.targetGpu, warnings], [
      { autocast: 'bfloat16', installed: { flash_attn: false, xformers: true }, torch: [2, 4], sm: 90, device: 'cpu', assumeInputs: 'float32-params' }, 'T4', [],
    ]);
    assert.deepEqual(resolveSettings(layerOptions(undefined, {})).settings, DEFAULT_SETTINGS);
  });

  it('reads nested options as VS Code sends them, and flat dotted keys', () => {
    const nested = resolveSettings({
      autocast: 'bfloat16', libraries: { flashAttn: 'installed', xformers: 'missing' }, torchVersion: '2.3', gpuArch: 90,
      targetGpu: 'none', shapeProfile: 'long', providers: ['wasm', 'wasm'], measurement: { enabled: false }, inlayHints: { enabled: true },
    });
    assert.deepEqual(nested.warnings, []);
    assert.deepEqual(nested.settings, {
      ...DEFAULT_SETTINGS, inlayHints: true,
      analysis: { autocast: 'bfloat16', installed: { flash_attn: true, xformers: false }, torch: [2, 3], sm: 90, device: 'cuda', assumeInputs: 'float32-params' },
      targetGpu: null, shapeProfile: 'long', providers: ['wasm'], measurement: { enabled: false, maxMillis: 20000 },
    });
    assert.equal(resolveSettings({ 'measurement.maxMillis': 500 }).settings.measurement.maxMillis, 500);
  });

  it('falls back to the default with a warning naming the key for each bad value', () => {
    const r = resolveSettings({ torchVersion: 'two', gpuArch: 12, targetGpu: 'K80', providers: ['cuda'], annotations: { enabled: 'yes' }, measurement: { maxMillis: 'fast' } });
    assert.deepEqual(r.settings, DEFAULT_SETTINGS);
    assert.deepEqual(r.warnings, [
      'attnlens.annotations.enabled: expected true or false, got "yes"; using true',
      "attnlens.torchVersion: 'two' does not match ^\\d+\\.\\d+$; using \"2.5\"",
      'attnlens.gpuArch: 12 is below the minimum 50; using 80',
      "attnlens.targetGpu: 'K80' is not one of none, B200, H100, A100, RTX 5090, RTX 4090, L4, T4; using \"H100\"",
      'attnlens.providers: ["cuda"] not among webgpu, wasm; using ["webgpu","wasm"]',
      'attnlens.measurement.maxMillis: expected a number, got "fast"; using 20000',
    ]);
  });

  it('package.json contributes exactly the server\'s settings schema', () => {
    const pkg = require('../../../package.json');
    assert.deepEqual(pkg.contributes.configuration.properties, packageSettings(), 'run `node out/scripts/package-settings.js --write`');
  });
});
