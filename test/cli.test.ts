import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '../../bin/attnlens.js');

describe('attnlens CLI', () => {
  it('prints its version', () => {
    const out = execFileSync(process.execPath, [BIN, 'version'], { encoding: 'utf8' });
    assert.equal(out.trim(), require('../../package.json').version);
  });
  it('exits 2 with usage on an unknown command', () => {
    const r = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.match(r.stderr, /usage: attnlens/);
  });
  it('takes --help, -h and --version in place of a command, as most tools do', () => {
    for (const [flag, first] of [['--help', 'usage: attnlens <command> [options]'], ['-h', 'usage: attnlens <command> [options]'], ['--version', require('../../package.json').version]]) {
      const r = spawnSync(process.execPath, [BIN, flag], { encoding: 'utf8' });
      assert.deepEqual([r.status, r.stderr, r.stdout.split('\n')[0]], [0, '', first], flag);
    }
  });
  for (const [command, first] of [
    ['check', 'usage: attnlens check PATH... [options]'],
    ['bench', 'usage: attnlens bench [options]'],
    ['doctor', 'usage: attnlens doctor [options]'],
    ['lsp', 'usage: attnlens lsp --stdio | --node-ipc'],
    ['version', 'usage: attnlens version'],
    ['help', 'usage: attnlens <command> [options]'],
  ] as const) {
    it(`prints the usage of ${command} with --help or -h, whatever else is given`, () => {
      for (const args of [['--help'], ['-h'], ['--provider', 'nonsense', '--help']]) {
        const r = spawnSync(process.execPath, [BIN, command, ...args], { encoding: 'utf8' });
        assert.deepEqual([r.status, r.stderr, r.stdout.split('\n')[0]], [0, '', first], `${command} ${args.join(' ')}`);
      }
    });
  }
});
