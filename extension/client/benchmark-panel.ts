/**
 * The benchmark webview: a table and a uPlot chart (latency vs sequence length per kernel and
 * provider), export to CSV/JSON. Strict CSP: only the extension's own dist/webview files load.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { BenchmarkRow } from '../protocol';
import type { Ctx } from './ctx';
import { exportFileName, toCsv, toJson } from './format';

/** Messages from the webview script (webview/benchmark.ts). */
type FromWebview = { readonly type: 'ready' } | { readonly type: 'export'; readonly format: 'csv' | 'json' };

export function showBenchmarkPanel(ctx: Ctx, title: string, rows: readonly BenchmarkRow[]): vscode.WebviewPanel {
  const root = ctx.webviewRoot();
  const panel = vscode.window.createWebviewPanel('attnlens.benchmark', title, vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [root] });
  const asset = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
  const csp = `default-src 'none'; script-src ${panel.webview.cspSource}; style-src ${panel.webview.cspSource}; img-src ${panel.webview.cspSource} data:;`;
  panel.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${asset('uPlot.min.css')}"><link rel="stylesheet" href="${asset('benchmark.css')}">
<title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>
<div class="actions"><button id="export-csv">Export CSV</button><button id="export-json">Export JSON</button></div>
<div id="plot"></div><table id="results"></table>
<script src="${asset('uPlot.iife.min.js')}"></script><script src="${asset('benchmark.js')}"></script>
</body></html>`;
  panel.webview.onDidReceiveMessage(async (message: FromWebview) => {
    if (message.type === 'ready') await panel.webview.postMessage({ type: 'rows', rows });
    else await exportRows(rows, message.format);
  });
  return panel;
}

async function exportRows(rows: readonly BenchmarkRow[], format: 'csv' | 'json'): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, exportFileName(format, new Date())),
    filters: { [format.toUpperCase()]: [format] },
    saveLabel: `Export ${format.toUpperCase()}`,
  });
  if (target === undefined) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(format === 'csv' ? toCsv(rows) : toJson(rows), 'utf8'));
  void vscode.window.showInformationMessage(`Attention Lens: wrote ${rows.length} rows to ${target.fsPath}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
