/** `attnlens check` reading [tool.attnlens] from the nearest pyproject.toml above each file, the real binary on a temporary project. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '../../../bin/attnlens.js');
/** flash_attn_func on a float32 tensor made on CUDA: raises for the dtype on CUDA, for the device on CPU. */
const MODEL = 'import torch\nfrom flash_attn import flash_attn_func\n\n\ndef attend():\n    q = torch.randn(1, 8, 128, 64, device="cuda")\n    return flash_attn_func(q, q, q)\n';
const ON_CUDA = 'raises: FlashAttention only support fp16 and bf16 data type';
const ON_CPU = 'raises: q must be on CUDA';

describe('attnlens check with pyproject.toml', function () {
  this.timeout(60_000);
  let root: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-pyproject-'));
    write('pyproject.toml', '[project]\nname = "demo"\n\n[tool.attnlens]\ndevice = "cpu"\nexclude = ["tests"]\n');
    for (const file of ['model.py', 'tests/test_model.py', 'plain/model.py', 'gpu/model.py']) write(file, MODEL);
    // A sub-package's pyproject.toml without the table does not hide the project's; one with it applies below it.
    write('plain/pyproject.toml', '[project]\nname = "plain"\n');
    write('gpu/pyproject.toml', '[tool.attnlens]\ndevice = "cuda"\n');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** `file → what the training path does`, per call, from the text output. */
  function run(...args: string[]): { status: number | null; calls: string[]; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, 'check', '--no-color', ...args], { encoding: 'utf8', cwd: root });
    const calls = r.stdout.split('\n').filter((line) => line.includes(' → ')).map((line) => `${line.split(':')[0]} ${/train: ([^|]*) \|/.exec(line)![1]!.trim()}`);
    return { status: r.status, calls, stderr: r.stderr };
  }

  it('applies the nearest table with one to each file, and its exclude to the directory walk', () => {
    assert.deepEqual(run('.').calls, [`gpu/model.py ${ON_CUDA}`, `model.py ${ON_CPU}`, `plain/model.py ${ON_CPU}`]);
  });

  it('still checks an excluded file named on the command line', () => {
    assert.deepEqual(run('tests/test_model.py').calls, [`tests/test_model.py ${ON_CPU}`]);
  });

  it('lets a flag override the table', () => {
    assert.deepEqual(run('--device', 'cuda', 'model.py', 'plain').calls, [`model.py ${ON_CUDA}`, `plain/model.py ${ON_CUDA}`]);
  });

  it('exits 2 naming the file, line and key of a bad value', () => {
    write('bad/pyproject.toml', '[tool.attnlens]\n\ndevice = "mps"\n');
    write('bad/model.py', MODEL);
    const r = run('bad');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `attnlens check: ${path.join(root, 'bad/pyproject.toml')}: line 3: [tool.attnlens] device: "mps" is not one of cuda, cpu\n`);
    fs.rmSync(path.join(root, 'bad'), { recursive: true });
  });
});
