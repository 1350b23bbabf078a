/**
 * The per-platform packages: builds dist/ and two of the five targets, linux-x64 (the one the e2e
 * test installs) and win32-x64 (the only one with a second native file), to keep the suite short;
 * the other three differ only in NATIVE_FILES. Reads each .vsix's zip directory for what it holds.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAGE_SOURCE } from '../../scripts/extension-page';
import { PACKAGE_DIR } from '../../scripts/package-extension';
import { MAX_PACKAGE_BYTES, packageFileName, type Target } from '../../scripts/package-targets';
import { zipEntries } from '../../scripts/zip-entries';

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPTS = path.join(ROOT, 'out/scripts');
const LIMIT_BYTES = MAX_PACKAGE_BYTES;
const NATIVE = /\.(node|dll|so|dylib)$/;
const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

const EXPECTED_NATIVES: Partial<Record<Target, string[]>> = {
  'linux-x64': ['extension/node_modules/webgpu/dist/linux-x64/dawn.node'],
  'win32-x64': ['extension/node_modules/webgpu/dist/win32-x64/d3dcompiler_47.dll', 'extension/node_modules/webgpu/dist/win32-x64/dawn.node'],
};

function run(script: string, args: string[] = []) {
  return spawnSync(process.execPath, [path.join(SCRIPTS, script), ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('per-platform packages (builds linux-x64 and win32-x64)', function () {
  this.timeout(600_000);

  before(() => {
    const built = run('build-extension.js');
    assert.equal(built.status, 0, built.stderr);
    const packed = run('package-extension.js', ['--target', 'linux-x64', '--target', 'win32-x64']);
    assert.equal(packed.status, 0, packed.stderr);
  });

  for (const [target, natives] of Object.entries(EXPECTED_NATIVES) as [Target, string[]][]) {
    describe(target, () => {
      const file = () => path.join(PACKAGE_DIR, packageFileName(target));

      it('holds only its own native binaries', () => {
        const found = zipEntries(file()).map((e) => e.name).filter((n) => NATIVE.test(n)).sort();
        assert.deepEqual(found, natives);
      });

      it('holds onnxruntime-web\'s WebGPU entry and the one WASM build it loads (asyncify), and nothing else of its dist/', () => {
        const dist = 'extension/node_modules/onnxruntime-web/dist';
        const ort = zipEntries(file()).map((e) => e.name).filter((n) => n.startsWith(`${dist}/`)).sort();
        assert.deepEqual(ort, [`${dist}/ort-wasm-simd-threaded.asyncify.mjs`, `${dist}/ort-wasm-simd-threaded.asyncify.wasm`, `${dist}/ort.webgpu.min.js`]);
      });

      it('holds the icon and the walkthrough\'s pages that package.json names', () => {
        const names = new Set(zipEntries(file()).map((e) => e.name));
        const pages: string[] = MANIFEST.contributes.walkthroughs.flatMap((w: { steps: { media: { markdown: string } }[] }) => w.steps.map((step) => step.media.markdown));
        assert.equal(pages.length, 3);
        assert.deepEqual([MANIFEST.icon, ...pages].filter((f) => !names.has(`extension/${f}`)), []);
      });

      it('carries its page\'s screenshots inline in the README, not as files', () => {
        const entries = zipEntries(file());
        assert.deepEqual(entries.filter((e) => e.name.startsWith('extension/docs/')).map((e) => e.name), []);
        const images = [...fs.readFileSync(path.join(ROOT, PAGE_SOURCE), 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => fs.statSync(path.join(ROOT, m[1]!)).size);
        const readme = entries.find((e) => e.name === 'extension/readme.md');
        // Base64 takes 4 bytes for every 3.
        assert.ok(readme !== undefined && readme.bytes >= images.reduce((a, b) => a + b, 0) * 4 / 3, `readme.md: ${readme?.bytes} bytes`);
      });

      it(`is at most ${LIMIT_BYTES / 1e6} MB`, () => {
        assert.ok(fs.statSync(file()).size <= LIMIT_BYTES, `${fs.statSync(file()).size} bytes`);
      });
    });
  }

  it('refuses a target it has no package for', () => {
    const refused = run('package-extension.js', ['--target', 'linux-riscv64']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /no package for target linux-riscv64 \(targets: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64\)/);
  });
});
