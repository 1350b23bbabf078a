/**
 * The benchmark webview: one panel, reused by every run (its title and contents replaced, then
 * revealed where it is), showing a table and a uPlot chart with export to CSV/JSON. What it shows is
 * computed by benchmark-view.ts; the page is benchmark-html.ts.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { BenchmarkRow } from '../protocol';
import { benchmarkHtml } from './benchmark-html';
import { benchmarkView, type BenchmarkRun, type BenchmarkView, type ToWebview } from './benchmark-view';
import { exportFileName, toCsv, toJson } from './format';

/** Messages from the webview script (webview/benchmark.ts). */
type FromWebview = { readonly type: 'ready' } | { readonly type: 'export'; readonly format: 'csv' | 'json' };

export class BenchmarkPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: { readonly rows: readonly BenchmarkRow[]; readonly view: BenchmarkView } | undefined;

  constructor(private readonly webviewRoot: vscode.Uri) {}

  show(run: BenchmarkRun): void {
    const view = benchmarkView(run);
    this.shown = { rows: run.rows, view };
    if (this.panel === undefined) {
      this.panel = this.create(view.title);
    } else {
      this.panel.title = view.title;
      this.panel.reveal();
    }
    // A webview that is loading (new, or brought back from a hidden tab) asks with 'ready' instead.
    this.post(this.panel, view);
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private post(panel: vscode.WebviewPanel, view: BenchmarkView): void {
    const message: ToWebview = { type: 'view', view };
    void panel.webview.postMessage(message);
  }

  private create(title: string): vscode.WebviewPanel {
    const root = this.webviewRoot;
    const panel = vscode.window.createWebviewPanel('attnlens.benchmark', title, vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [root] });
    const asset = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
    panel.webview.html = benchmarkHtml(asset, panel.webview.cspSource);
    panel.webview.onDidReceiveMessage(async (message: FromWebview) => {
      if (this.shown === undefined) return;
      if (message.type === 'ready') this.post(panel, this.shown.view);
      else await exportRows(this.shown.rows, message.format);
    });
    panel.onDidDispose(() => { this.panel = undefined; });
    return panel;
  }
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
