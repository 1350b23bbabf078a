/**
 * `npm run package [-- --target <t> …]`: one .vsix per platform in vsix/, from the bundles that
 * `npm run build:extension` left in dist/. Each package holds .vscodeignore's files plus its own
 * target's native files (package-targets.ts); without --target it builds every target.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PAGE_PACKED, writePackedPage } from './extension-page';
import { isTarget, MAX_PACKAGE_BYTES, NATIVE_FILES, packageFileName, TARGETS, type Target } from './package-targets';

const ROOT = path.resolve(__dirname, '../..');
export const PACKAGE_DIR = path.join(ROOT, 'vsix');

/**
 * The extension page is README.extension.md with its images inlined (extension-page.ts), not the
 * developers' README.md; its links are made to resolve in it.
 */
export const VSCE_ARGS: readonly string[] = ['--no-rewrite-relative-links', '--allow-missing-repository', '--readme-path', PAGE_PACKED];

function requestedTargets(args: readonly string[]): Target[] {
  const targets: Target[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg === '--target' ? args[++i] : arg.startsWith('--target=') ? arg.slice('--target='.length) : undefined;
    if (name === undefined) throw new Error(`unknown argument ${arg}; use --target <target>`);
    if (!isTarget(name)) throw new Error(`no package for target ${name} (targets: ${TARGETS.join(', ')})`);
    targets.push(name);
  }
  return targets.length > 0 ? targets : [...TARGETS];
}

/** .vscodeignore with the target's native files let through: vsce takes one ignore file per run. */
function writeIgnoreFile(target: Target, folder: string): string {
  const file = path.join(folder, `vscodeignore-${target}`);
  const natives = NATIVE_FILES[target].map((f) => `!${f}`).join('\n');
  fs.writeFileSync(file, `${fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8')}\n# ${target}'s native files\n${natives}\n`);
  return file;
}

function packageTarget(target: Target, ignoreFolder: string): number {
  const out = path.join(PACKAGE_DIR, packageFileName(target));
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  const run = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--ignoreFile', writeIgnoreFile(target, ignoreFolder), ...VSCE_ARGS, '-o', out], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`vsce package --target ${target} failed (exit ${run.status ?? run.signal})`);
  const bytes = fs.statSync(out).size;
  if (bytes > MAX_PACKAGE_BYTES) throw new Error(`${path.relative(ROOT, out)} is ${bytes} bytes, over the ${MAX_PACKAGE_BYTES}-byte limit`);
  return bytes;
}

function main(): void {
  const targets = requestedTargets(process.argv.slice(2));
  fs.mkdirSync(PACKAGE_DIR, { recursive: true });
  writePackedPage(ROOT);
  const ignoreFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-package-'));
  try {
    for (const target of targets) {
      const bytes = packageTarget(target, ignoreFolder);
      process.stdout.write(`${path.relative(ROOT, path.join(PACKAGE_DIR, packageFileName(target)))}: ${(bytes / 1e6).toFixed(1)} MB\n`);
    }
  } finally {
    fs.rmSync(ignoreFolder, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`package failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
