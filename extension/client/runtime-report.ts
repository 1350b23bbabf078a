/**
 * The runtime report as a read-only virtual document: it opens in a tab that never asks to be
 * saved (an Untitled document would), and shows the latest report each time the command runs.
 */
import * as vscode from 'vscode';

const SCHEME = 'attnlens-report';
const REPORT_URI = vscode.Uri.from({ scheme: SCHEME, path: '/Attention Lens Runtime Report.md' });

export interface RuntimeReportDocument extends vscode.Disposable {
  /** Opens (or refreshes) the report with this Markdown. */
  show(markdown: string): Promise<void>;
}

export function runtimeReportDocument(): RuntimeReportDocument {
  let markdown = '';
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    onDidChange: changed.event,
    provideTextDocumentContent: () => markdown,
  });
  return {
    async show(text) {
      markdown = text;
      changed.fire(REPORT_URI);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(REPORT_URI), { preview: true });
    },
    dispose() {
      registration.dispose();
      changed.dispose();
    },
  };
}
