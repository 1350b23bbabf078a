/**
 * The extension page: `npm run package` packs README.extension.md as the README (not the developers'
 * README.md), and every image and link on it resolves — to a web address, a heading of the page, or
 * a file the package holds (`vsce ls` lists them from .vscodeignore).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VSCE_ARGS } from '../../scripts/package-extension';

const ROOT = path.resolve(__dirname, '../../..');
const PAGE = 'README.extension.md';

describe('extension page', function () {
  this.timeout(60_000);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const page = fs.readFileSync(path.join(ROOT, PAGE), 'utf8');

  it('is what npm run package packs as the README, with the changelog and licence', () => {
    assert.match(pkg.scripts.package, /node out\/scripts\/package-extension\.js$/);
    assert.equal(VSCE_ARGS[VSCE_ARGS.indexOf('--readme-path') + 1], PAGE);
    assert.ok(!VSCE_ARGS.includes('--skip-license'));
    for (const file of ['CHANGELOG.md', 'LICENSE']) assert.ok(fs.existsSync(path.join(ROOT, file)), file);
    assert.ok(pkg.keywords.length > 0 && pkg.keywords.length <= 30);
  });

  it('links only to web addresses and to files the package holds', () => {
    const listed = spawnSync('npx', ['vsce', 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    const packaged = new Set(listed.stdout.split('\n').filter(Boolean));
    const targets = [...page.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(targets.filter((t) => t.endsWith('.png')).length >= 3, 'the page shows the screenshots');
    const unresolved = targets.filter((t) => !/^https:\/\//.test(t) && !packaged.has(t));
    assert.deepEqual(unresolved, []);
    assert.ok(packaged.has('CHANGELOG.md') && packaged.has('LICENSE'));
  });
});
