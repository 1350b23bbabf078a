/**
 * The benchmark webview's page: empty until webview/benchmark.ts draws the view posted to it. Its
 * content security policy lets in only `source` (the webview's own files: VS Code's cspSource).
 * No vscode import, so the e2e test loads the same page.
 */
export function benchmarkHtml(asset: (name: string) => string, source: string): string {
  const csp = `default-src 'none'; script-src ${source}; style-src ${source}; img-src ${source} data:;`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${asset('uPlot.min.css')}"><link rel="stylesheet" href="${asset('benchmark.css')}">
<title>Benchmark</title></head>
<body><h1 id="title"></h1>
<p id="notice" class="notice" hidden></p>
<div class="actions"><button id="export-csv">Export CSV</button><button id="export-json">Export JSON</button></div>
<p id="unavailable" class="unavailable" hidden></p>
<div id="plot"></div><table id="results"></table>
<script src="${asset('uPlot.iife.min.js')}"></script><script src="${asset('benchmark.js')}"></script>
</body></html>`;
}
