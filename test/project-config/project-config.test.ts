import * as assert from 'node:assert/strict';
import { selectedByConfig } from '../../extension/project-config/file-patterns';
import { parseProjectConfig, ProjectConfigError, projectAnalysisSettings } from '../../extension/project-config/project-config';
import { DEFAULT_SETTINGS } from '../../extension/cli/settings-flags';

const FILE = '/p/pyproject.toml';
const parse = (body: string) => parseProjectConfig(FILE, `[tool.attnlens]\n${body}\n`);

describe('[tool.attnlens] in pyproject.toml', () => {
  it('reads every key into typed settings', () => {
    const config = parse('autocast = "bfloat16"\ninstalled = ["flash_attn"]\ntorch = "2.4.1"\ngpu = "sm_90"\ndevice = "cpu"\ntarget = "A100"\ninclude = ["src"]\nexclude = ["src/legacy/**"]');
    assert.deepEqual(config, {
      file: FILE, autocast: 'bfloat16', installed: { flash_attn: true, xformers: false }, torch: [2, 4], gpu: 90, device: 'cpu', target: 'A100',
      include: ['src'], exclude: ['src/legacy/**'],
    });
    // The table has no key for the entry-point assumption: the base settings' stands.
    assert.deepEqual(projectAnalysisSettings(config, DEFAULT_SETTINGS), { autocast: 'bfloat16', installed: { flash_attn: true, xformers: false }, torch: [2, 4], sm: 90, device: 'cpu', assumeInputs: DEFAULT_SETTINGS.assumeInputs });
    assert.equal(parse('gpu = 86')!.gpu, 86);
    assert.deepEqual(parse('installed = []')!.installed, { flash_attn: false, xformers: false });
  });

  it('leaves what it does not state to the base settings, and is absent without the table', () => {
    assert.deepEqual(projectAnalysisSettings(parse('device = "cpu"'), DEFAULT_SETTINGS), { ...DEFAULT_SETTINGS, device: 'cpu' });
    assert.equal(parseProjectConfig(FILE, '[project]\nname = "x"\n'), undefined);
  });

  const bad: [string, string][] = [
    ['autocast = "fp16"', `${FILE}: line 2: [tool.attnlens] autocast: "fp16" is not one of float16, bfloat16, float32, float64, off, unknown`],
    ['installed = "flash_attn"', `${FILE}: line 2: [tool.attnlens] installed: "flash_attn" is not a list of strings`],
    ['installed = ["flash-attn"]', `${FILE}: line 2: [tool.attnlens] installed: "flash-attn" is not one of flash_attn, xformers`],
    ['torch = 2', `${FILE}: line 2: [tool.attnlens] torch: 2 is not a version like "2.5"`],
    ['gpu = "a100"', `${FILE}: line 2: [tool.attnlens] gpu: "a100" is not a compute capability like "sm90" or 90`],
    ['colour = true', `${FILE}: line 2: [tool.attnlens] has no key 'colour' (known: autocast, installed, torch, gpu, device, target, include, exclude)`],
    ['autocast = ', `${FILE}: [tool.attnlens] line 2: expected a string, an integer, true, false or an array`],
  ];
  for (const [body, message] of bad) {
    it(`refuses ${body} naming the file, line and key`, () => {
      assert.throws(() => parse(body), (err: unknown) => err instanceof ProjectConfigError && err.message === message);
    });
  }

  it('selects files by include and exclude globs relative to its folder; a folder pattern covers what is in it', () => {
    const config = parse('include = ["src/**/*.py", "train.py"]\nexclude = ["src/legacy", "**/test_*.py"]')!;
    const selected = ['/p/src/model.py', '/p/src/a/b/attn.py', '/p/src/legacy/old.py', '/p/src/a/test_attn.py', '/p/train.py', '/p/scripts/run.py']
      .filter((file) => selectedByConfig(file, config));
    assert.deepEqual(selected, ['/p/src/model.py', '/p/src/a/b/attn.py', '/p/train.py']);
    assert.equal(selectedByConfig('/elsewhere/x.py', undefined), true);
  });
});
