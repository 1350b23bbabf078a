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
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
];

/**
 * The analysis finds its grammar with `require.resolve('tree-sitter-python/…wasm')`, which works from
 * node_modules but not in the .vsix (no node_modules): in the bundle it points next to attnlens.js.
 */
const GRAMMAR_REQUEST = /require\.resolve\(\s*['"]tree-sitter-python\/tree-sitter-python\.wasm['"]\s*\)/g;
const grammarNextToBundle: esbuild.Plugin = {
  name: 'grammar-next-to-bundle',
  setup(b) {
    b.onLoad({ filter: /extension[\\/]analysis[\\/].*\.ts$/ }, async (args) => ({
      contents: fs.readFileSync(args.path, 'utf8').replace(GRAMMAR_REQUEST, "require('node:path').join(__dirname, 'tree-sitter-python.wasm')"),
      loader: 'ts',
    }));
  },
};

async function build(): Promise<void> {
  fs.rmSync(DIST, { recursive: true, force: true });
  const common: esbuild.BuildOptions = { bundle: true, minify: true, sourcemap: false, logLevel: 'warning', absWorkingDir: ROOT };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['extension/client/main.ts'], outfile: 'dist/client.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: ['extension/cli/bin.ts'], outfile: 'dist/attnlens.js', platform: 'node', format: 'cjs', target: 'node20', plugins: [grammarNextToBundle], external: ['onnxruntime-web', 'onnxruntime-web/webgpu', 'webgpu'] }),
    // The analysis' parse worker: the pool starts `parse-worker.js` next to itself, in the bundle dist/.
    esbuild.build({ ...common, entryPoints: ['extension/analysis/syntax/parse-worker.ts'], outfile: 'dist/parse-worker.js', platform: 'node', format: 'cjs', target: 'node20', plugins: [grammarNextToBundle] }),
    // The runtime worker: the proxy starts `main.js` next to itself, which in the bundle is dist/.
    // onnxruntime-web and webgpu load their WASM and native files from their own folders: external,
    // shipped as node_modules files (.vscodeignore lists the ones used; scripts/package-targets.ts
    // adds each platform's Dawn binary).
    esbuild.build({ ...common, entryPoints: ['runtime/worker/main.ts'], outfile: 'dist/main.js', platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-web', 'onnxruntime-web/webgpu', 'webgpu'] }),
    esbuild.build({ ...common, entryPoints: ['extension/client/webview/benchmark.ts'], outfile: 'dist/webview/benchmark.js', platform: 'browser', format: 'iife', target: 'es2022' }),
  ]);
  for (const bundle of ['attnlens.js', 'parse-worker.js']) {
    if (fs.readFileSync(path.join(DIST, bundle), 'utf8').includes('tree-sitter-python/tree-sitter-python.wasm')) {
      throw new Error(`dist/${bundle} still resolves the grammar from node_modules: update GRAMMAR_REQUEST`);
    }
  }
  for (const [from, to] of ASSETS) {
    fs.mkdirSync(path.dirname(path.join(DIST, to)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, from), path.join(DIST, to));
  }
}

build().catch((err: unknown) => {
  process.stderr.write(`build:extension failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
