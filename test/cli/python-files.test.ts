import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../extension/cli/args';
import { findPythonFiles } from '../../extension/cli/python-files';

describe('finding Python files', () => {
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'attnlens-files-'));
    const files = ['a.py', 'notes.txt', 'pkg/b.py', 'pkg/sub/c.py', '.git/hooks/h.py', 'node_modules/x/d.py',
      'pkg/__pycache__/b.py', '.venv/lib/e.py', 'myenv/pyvenv.cfg', 'myenv/lib/f.py', 'script',
      'pkg/train.ipynb', 'pkg/.ipynb_checkpoints/train-checkpoint.ipynb'];
    for (const file of files) {
      await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await fs.writeFile(path.join(root, file), '');
    }
    await fs.symlink(path.join(root, 'pkg'), path.join(root, 'link'));
    await fs.symlink(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
    await fs.symlink(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('searches directories for *.py and *.ipynb, skipping VCS, caches (Jupyter checkpoints too), dependencies, virtual envs and links', async () => {
    const found = await findPythonFiles([root]);
    assert.deepEqual(found.map((f) => path.relative(root, f)), ['a.py', 'pkg/b.py', 'pkg/sub/c.py', 'pkg/train.ipynb']);
  });

  it('keeps files named explicitly, whatever their extension, sorted and without duplicates', async () => {
    const found = await findPythonFiles([path.join(root, 'script'), path.join(root, 'pkg'), path.join(root, 'pkg/b.py')]);
    assert.deepEqual(found.map((f) => path.relative(root, f)), ['pkg/b.py', 'pkg/sub/c.py', 'pkg/train.ipynb', 'script']);
  });

  it('names a loop of symbolic links as such', async () => {
    await assert.rejects(findPythonFiles([path.join(root, 'loop-a')]), (err: unknown) =>
      err instanceof UsageError && err.message === `${path.join(root, 'loop-a')}: a loop of symbolic links (it never reaches a file)`);
  });

  it('names a path that does not exist', async () => {
    await assert.rejects(findPythonFiles([path.join(root, 'missing')]), (err: unknown) =>
      err instanceof UsageError && err.message === `${path.join(root, 'missing')}: no such file or directory`);
  });
});
