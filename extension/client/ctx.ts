/**
 * Ctx owns the extension's state: the language client, the status item, the log, the benchmark panel,
 * and two cleanup lists (one for the extension's lifetime, one per client start). Commands get it as their input.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { serverStatus } from '../protocol';
import { BenchmarkPanel } from './benchmark-panel';
import { createClient } from './client';
import { createStatusItem, showForPythonEditors, showStatus } from './status';

export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

export class Ctx {
  readonly log: vscode.LogOutputChannel;
  /** One panel for every benchmark run. */
  readonly benchmarkPanel: BenchmarkPanel;
  private readonly status: vscode.StatusBarItem;
  private client: LanguageClient | null = null;
  private readonly clientDisposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext, commands: Readonly<Record<string, CommandFactory>>) {
    this.log = vscode.window.createOutputChannel('Attention Lens', { log: true });
    this.status = createStatusItem();
    this.benchmarkPanel = new BenchmarkPanel(this.webviewRoot());
    extension.subscriptions.push(this.log, this.status, showForPythonEditors(this.status), this.benchmarkPanel);
    for (const [name, factory] of Object.entries(commands)) {
      extension.subscriptions.push(vscode.commands.registerCommand(name, this.guard(name, factory(this))));
    }
  }

  /** A failing command is logged and shown, never left as an unhandled rejection. */
  private guard(name: string, handler: (...args: unknown[]) => unknown): (...args: unknown[]) => Promise<unknown> {
    return async (...args) => {
      try {
        return await handler(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.log.error(`${name} failed: ${err instanceof Error ? err.stack ?? message : message}`);
        void vscode.window.showErrorMessage(`Attention Lens: ${message}`);
        return undefined;
      }
    };
  }

  /** The running client; commands that need the server call this and get a clear error otherwise. */
  requireClient(): LanguageClient {
    if (this.client === null || !this.client.isRunning()) throw new Error('the Attention Lens language server is not running');
    return this.client;
  }

  async start(): Promise<void> {
    const serverModule = this.extension.asAbsolutePath('dist/attnlens.js');
    const client = createClient(serverModule, this.extension.globalStorageUri.fsPath, this.log);
    this.clientDisposables.push(client.onNotification(serverStatus, (s) => showStatus(this.status, s)));
    await client.start();
    this.client = client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    for (const d of this.clientDisposables.splice(0)) d.dispose();
    if (client !== null) await client.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'webview');
  }
}
