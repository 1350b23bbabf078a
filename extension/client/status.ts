/**
 * The status bar item: the runtime's provider and adapter, from attnlens/serverStatus; click →
 * runtime report. It shows only while a Python editor is active: elsewhere it says nothing useful.
 */
import * as vscode from 'vscode';
import type { ServerStatus } from '../protocol';

const ICONS: Readonly<Record<ServerStatus['runtime'], string>> = { starting: '$(sync~spin)', ready: '$(pulse)', unavailable: '$(warning)' };

export function createStatusItem(): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('attnlens.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Attention Lens';
  item.command = 'attnlens.showRuntimeReport';
  showStatus(item, { runtime: 'starting', text: 'starting' });
  return item;
}

export function showForPythonEditors(item: vscode.StatusBarItem): vscode.Disposable {
  const follow = (editor: vscode.TextEditor | undefined) => (editor?.document.languageId === 'python' ? item.show() : item.hide());
  follow(vscode.window.activeTextEditor);
  return vscode.window.onDidChangeActiveTextEditor(follow);
}

export function showStatus(item: vscode.StatusBarItem, status: ServerStatus): void {
  // A reason is too long for the status bar: it goes in the tooltip.
  item.text = `${ICONS[status.runtime]} Attn: ${status.runtime === 'unavailable' ? 'no runtime' : status.text}`;
  item.tooltip = `Attention Lens runtime: ${status.text}${status.detail === undefined ? '' : ` — ${status.detail}`}. Click for the runtime report.`;
}
