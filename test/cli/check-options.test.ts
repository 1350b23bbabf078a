import * as assert from 'node:assert/strict';
import { UsageError } from '../../extension/cli/args';
import { parseCheckArgs } from '../../extension/cli/check-options';

const options = parseCheckArgs;

describe('check arguments', () => {
  it('defaults to text, terminal colour and no settings of its own (pyproject.toml and the defaults fill them in)', () => {
    assert.deepEqual(options(['a.py', 'src']), { paths: ['a.py', 'src'], format: 'text', color: undefined, settings: {} });
  });

  it('turns every flag into typed settings', () => {
    const o = options(['--format', 'sarif', '--no-color', '--autocast', 'bfloat16', '--installed', 'flash_attn', '--torch', '2.4.1', '--gpu', 'sm_90', '--device', 'cpu', 'm.py']);
    assert.deepEqual(o, {
      paths: ['m.py'], format: 'sarif', color: false,
      settings: { autocast: 'bfloat16', installed: { flash_attn: true, xformers: false }, torch: [2, 4], sm: 90, device: 'cpu' },
    });
    assert.equal(options(['--color', '--format=json', 'm.py']).color, true);
    assert.deepEqual(options(['--installed', 'xformers,flash_attn', 'm.py']).settings.installed, { flash_attn: true, xformers: true });
    assert.deepEqual(options(['--installed', 'none', 'm.py']).settings.installed, { flash_attn: false, xformers: false });
    assert.equal(options(['--gpu', '75', 'm.py']).settings.sm, 75);
    // Blackwell and two-digit torch minors: sm100 is not sm10, 2.10 is not 2.1.
    assert.deepEqual(['sm100', 'sm_120', '121'].map((g) => options(['--gpu', g, 'm.py']).settings.sm), [100, 120, 121]);
    assert.deepEqual(['2.6', '2.10', '2.10.1'].map((t) => options(['--torch', t, 'm.py']).settings.torch), [[2, 6], [2, 10], [2, 10]]);
    assert.equal(options(['--autocast', 'off', 'm.py']).settings.autocast, 'off');
  });

  const bad: [string[], RegExp][] = [
    [[], /no PATH given/],
    [['--format', 'xml', 'm.py'], /^--format: 'xml' is not one of text, json, sarif$/],
    [['--autocast', 'fp16', 'm.py'], /^--autocast: 'fp16' is not one of float16, bfloat16, off, unknown$/],
    [['--installed', 'flash-attn', 'm.py'], /^--installed: 'flash-attn' is not one of flash_attn, xformers$/],
    [['--torch', 'two', 'm.py'], /^--torch: 'two' is not a version like 2.5$/],
    [['--gpu', 'a100', 'm.py'], /^--gpu: 'a100' is not a compute capability like sm80 or sm90$/],
    [['--device', 'mps', 'm.py'], /^--device: 'mps' is not one of cuda, cpu$/],
    [['--frobnicate', 'm.py'], /^unknown option '--frobnicate'$/],
    [['--formatt', 'json', 'm.py'], /^unknown option '--formatt' \(did you mean --format\?\)$/],
    [['-x', 'm.py'], /^unknown option '-x'$/],
    [['m.py', '--format'], /'--format <value>' argument missing/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${JSON.stringify(args)} naming the flag`, () => {
      assert.throws(() => parseCheckArgs(args), (err: unknown) => err instanceof UsageError && message.test(err.message));
    });
  }
});
