/** .pre-commit-hooks.yaml names a command that exists and the settings pre-commit needs for it. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/** The `key: value` lines of the file's single hook (a flat YAML list item, as pre-commit documents them). */
function hook(): Record<string, string> {
  const text = fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  const lines = text.split('\n').filter((line) => /^(- |  )\w/.test(line));
  return Object.fromEntries(lines.map((line) => {
    const [key, ...value] = line.slice(2).split(': ');
    return [key!, value.join(': ')];
  }));
}

describe('.pre-commit-hooks.yaml', () => {
  it('runs attnlens check as a node hook on Python files and notebooks, all in one process', () => {
    const h = hook();
    assert.deepEqual([h['id'], h['entry'], h['language'], h['types_or'], h['types'], h['require_serial']], ['attnlens', 'attnlens check', 'node', '[python, jupyter]', undefined, 'true']);
    assert.equal(require(path.join(ROOT, 'package.json')).bin.attnlens, 'bin/attnlens.js');
  });

  it('its entry with file names, as pre-commit calls it, checks them', () => {
    const fixture = path.join(ROOT, 'test/fixtures/cli/clean');
    const notebook = path.join(ROOT, 'test/fixtures/notebooks/train.ipynb');
    const files = [...fs.readdirSync(fixture).filter((f) => f.endsWith('.py')).map((f) => path.join(fixture, f)), notebook];
    const [command, ...args] = hook()['entry']!.split(' ');
    assert.equal(command, 'attnlens');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/attnlens.js'), ...args, ...files], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, / in \d+ files: 0 errors/);
    assert.match(r.stdout, /train\.ipynb:cell \d+:\d+:\d+ /, 'the notebook\'s calls, by cell');
  });

  it('installs with the built CLI: npm pack (what pre-commit installs) keeps out/ despite .gitignore', function () {
    this.timeout(60_000);
    const r = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const needed of ['bin/attnlens.js', 'out/extension/cli/main.js', 'out/package.json']) assert.ok(files.includes(needed), needed);
    assert.deepEqual(files.filter((f) => f.startsWith('out/test/') || f.startsWith('node_modules/')), []);
  });
});
