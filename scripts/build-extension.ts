/**
 * `npm run build:extension`: bundles the VS Code client, the CLI/language server and the benchmark
 * webview into dist/ with esbuild, and copies the files they load at run time.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');

/** Files loaded at run time, copied as they are: [from (repository-relative), to (dist-relative)]. */
export const ASSETS: readonly (readonly [string, string])[] = [
  ['node_modules/uplot/dist/uPlot.iife.min.js', 'webview/uPlot.iife.min.js'],
  ['node_modules/uplot/dist/uPlot.min.css', 'webview/uPlot.min.css'],
  ['extension/client/webview/benchmark.css', 'webview/benchmark.css'],
  // web-tree-sitter, bundled into attnlens.js, loads its runtime from the bundle's folder.
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
];

async function build(): Promise<void> {
  fs.rmSync(DIST, { recursive: true, force: true });
  const common: esbuild.BuildOptions = { bundle: true, minify: true, sourcemap: false, logLevel: 'warning', absWorkingDir: ROOT };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['extension/client/main.ts'], outfile: 'dist/client.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: ['extension/cli/bin.ts'], outfile: 'dist/attnlens.js', platform: 'node', format: 'cjs', target: 'node20' }),
    esbuild.build({ ...common, entryPoints: ['extension/client/webview/benchmark.ts'], outfile: 'dist/webview/benchmark.js', platform: 'browser', format: 'iife', target: 'es2022' }),
  ]);
  for (const [from, to] of ASSETS) {
    fs.mkdirSync(path.dirname(path.join(DIST, to)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, from), path.join(DIST, to));
  }
}

build().catch((err: unknown) => {
  process.stderr.write(`build:extension failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
