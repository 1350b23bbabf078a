/**
 * The extension page: `npm run package` packs README.extension.md as the README (not the developers'
 * README.md) with its screenshots inlined, since VS Code shows no relative image on it; every other
 * link resolves — to a web address, a heading of the page, or a file the package holds (`vsce ls`
 * lists them from .vscodeignore); the icon and the walkthrough's pages are packaged too.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inlineImages, PAGE_PACKED, PAGE_SOURCE } from '../../scripts/extension-page';
import { VSCE_ARGS } from '../../scripts/package-extension';

const ROOT = path.resolve(__dirname, '../../..');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface WalkthroughStep { id: string; description: string; media: { markdown: string }; completionEvents: string[] }

function walkthroughSteps(pkg: { contributes: { walkthroughs: { steps: WalkthroughStep[] }[] } }): WalkthroughStep[] {
  return pkg.contributes.walkthroughs.flatMap((w) => w.steps);
}

describe('extension page', function () {
  this.timeout(60_000);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const page = fs.readFileSync(path.join(ROOT, PAGE_SOURCE), 'utf8');

  it('is what npm run package packs as the README, with the changelog and licence', () => {
    assert.match(pkg.scripts.package, /node out\/scripts\/package-extension\.js$/);
    assert.equal(VSCE_ARGS[VSCE_ARGS.indexOf('--readme-path') + 1], PAGE_PACKED);
    assert.ok(!VSCE_ARGS.includes('--skip-license'));
    for (const file of ['CHANGELOG.md', 'LICENSE']) assert.ok(fs.existsSync(path.join(ROOT, file)), file);
    assert.ok(pkg.keywords.length > 0 && pkg.keywords.length <= 30);
  });

  it('shows its screenshots as PNG files of the repository, which the packed page carries inline', () => {
    const images = [...page.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length >= 3, 'the page shows the screenshots');
    for (const image of images) assert.deepEqual([...fs.readFileSync(path.join(ROOT, image)).subarray(0, 8)], PNG_SIGNATURE, image);
    const packed = inlineImages(page, (image) => fs.readFileSync(path.join(ROOT, image)));
    assert.deepEqual([...packed.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!.slice(0, 'data:image/png;base64,'.length)), images.map(() => 'data:image/png;base64,'));
  });

  it('links only to web addresses, its own headings and files the package holds', () => {
    const listed = spawnSync('npx', ['vsce', 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    const packaged = new Set(listed.stdout.split('\n').filter(Boolean));
    const links = [...page.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    const unresolved = links.filter((t) => !/^https:\/\//.test(t) && !t.startsWith('#') && !packaged.has(t));
    assert.deepEqual(unresolved, []);
    assert.ok(packaged.has('CHANGELOG.md') && packaged.has('LICENSE'));
    assert.ok(packaged.has(pkg.icon), `the icon ${pkg.icon}`);
    const media = walkthroughSteps(pkg).map((step) => step.media.markdown);
    assert.deepEqual(media.filter((file) => !packaged.has(file)), []);
  });

  it('has a 128×128 PNG icon', () => {
    const png = fs.readFileSync(path.join(ROOT, pkg.icon));
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE, 'the PNG signature');
    assert.equal(png.toString('ascii', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('walks a new user through the autocast dtype, the installed libraries and the GPU, each step done when its setting changes', () => {
    const settings = new Set(Object.keys(pkg.contributes.configuration.properties));
    const steps = walkthroughSteps(pkg);
    assert.deepEqual(steps.map((step) => [step.id, step.completionEvents]), [
      ['autocast', ['onSettingChanged:attnlens.autocast']],
      ['libraries', ['onSettingChanged:attnlens.libraries.flashAttn', 'onSettingChanged:attnlens.libraries.xformers']],
      ['gpu', ['onSettingChanged:attnlens.gpuArch', 'onSettingChanged:attnlens.targetGpu']],
    ]);
    for (const step of steps) {
      for (const event of step.completionEvents) assert.ok(settings.has(event.slice('onSettingChanged:'.length)), event);
      // Each step's button opens the Settings editor at settings that exist (a prefix of one, for a group).
      const opened = [...step.description.matchAll(/\(command:workbench\.action\.openSettings\?(.+?)\)/g)].map((m) => JSON.parse(decodeURIComponent(m[1]!))[0] as string);
      assert.ok(opened.length > 0, step.id);
      for (const query of opened) assert.ok([...settings].some((key) => key === query || key.startsWith(`${query}.`)), query);
    }
  });
});
