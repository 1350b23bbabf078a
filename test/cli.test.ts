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
});
