/**
 * The command table: each entry is a plain `(ctx) => handler`. Errors are shown by Ctx's guard.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import * as protocol from '../protocol';
import type { CommandFactory, Ctx } from './ctx';
import { parseShapes, runtimeReportMarkdown } from './format';
import { runtimeReportDocument } from './runtime-report';

type Target = { readonly label: string; readonly description: string; readonly params: () => Promise<protocol.BenchmarkParams | undefined> };

function benchmark(ctx: Ctx) {
  return async (): Promise<void> => {
    const targets: Target[] = [
      { label: 'Sequence-length sweep', description: 'lengths 128–2048 at the default shape profile', params: async () => ({}) },
      { label: 'Shapes of the call at the cursor', description: 'from the analysis, or the default profile where unknown', params: async () => callAtCursor() },
      { label: 'Enter shapes…', description: 'B H L D; …', params: askShapes },
    ];
    const picked = await vscode.window.showQuickPick(targets, { title: 'Attention Lens: Benchmark Backends', placeHolder: 'Which shapes?' });
    const params = await picked?.params();
    if (params !== undefined) await runBenchmark(ctx, params);
  };
}

/** From the code lens (uri, index) or the editor's context menu / palette (the cursor). */
function benchmarkCall(ctx: Ctx) {
  return async (uri?: unknown, index?: unknown): Promise<void> => {
    const params = typeof uri === 'string' && typeof index === 'number' ? { call: { uri, index } } : callAtCursor();
    if (params !== undefined) await runBenchmark(ctx, params);
  };
}

function callAtCursor(): protocol.BenchmarkParams | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    void vscode.window.showWarningMessage('Attention Lens: put the cursor on an attention call in a Python file first.');
    return undefined;
  }
  return { call: { uri: editor.document.uri.toString(), position: editor.selection.active } };
}

async function askShapes(): Promise<protocol.BenchmarkParams | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Shapes to benchmark', prompt: 'B H L D per shape, separated by ";" (a fifth number: key length)', value: '1 8 256 64; 1 8 1024 64',
    validateInput: (t) => { const r = parseShapes(t); return typeof r === 'string' ? r : null; },
  });
  if (text === undefined) return undefined;
  return { shapes: parseShapes(text) as protocol.BenchShape[] };
}

/** Runs the benchmark with progress; the panel shows what finished, and says so when the run was cancelled. */
async function runBenchmark(ctx: Ctx, params: protocol.BenchmarkParams): Promise<void> {
  const client = ctx.requireClient();
  const { result, cancelled } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Attention Lens: benchmarking', cancellable: true },
    async (progress, token) => {
      const workDoneToken = `attnlens-benchmark-${Date.now()}`;
      let reported = 0;
      const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind !== 'report') return;
        const percentage = value.percentage ?? reported;
        progress.report({ message: value.message, increment: percentage - reported });
        reported = percentage;
      });
      try {
        // Cancelled, the server answers the rows that finished.
        const answer = await client.sendRequest(protocol.benchmark, { ...params, workDoneToken }, token);
        return { result: answer, cancelled: token.isCancellationRequested };
      } catch (err) {
        if (token.isCancellationRequested) return { result: { rows: [] }, cancelled: true };
        throw err;
      } finally {
        sub.dispose();
      }
    });
  if (cancelled && result.rows.length === 0) {
    void vscode.window.showInformationMessage('Attention Lens: benchmark cancelled before any run finished.');
    return;
  }
  // The server names the call; its file is the one the request named.
  const call = result.call === undefined || params.call === undefined ? {}
    : { call: { call: result.call, file: path.posix.basename(vscode.Uri.parse(params.call.uri).path) } };
  ctx.benchmarkPanel.show({ rows: result.rows, cancelled, ...call });
}

function showRuntimeReport(ctx: Ctx) {
  const document = runtimeReportDocument();
  ctx.extension.subscriptions.push(document);
  return async (): Promise<void> => {
    await document.show(runtimeReportMarkdown(await ctx.requireClient().sendRequest(protocol.runtimeReport)));
  };
}

function showLogs(ctx: Ctx) {
  return () => ctx.log.show();
}

function toggleAnnotations() {
  return async (): Promise<void> => {
    const config = vscode.workspace.getConfiguration('attnlens');
    const enabled = !config.get<boolean>('annotations.enabled', true);
    await config.update('annotations.enabled', enabled, vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(`Attention Lens annotations ${enabled ? 'on' : 'off'}`);
  };
}

function clearMeasurementCache(ctx: Ctx) {
  return async (): Promise<void> => {
    const { removed } = await ctx.requireClient().sendRequest(protocol.clearMeasurementCache);
    void vscode.window.showInformationMessage(`Attention Lens: cleared ${removed} measurement(s); calls are measured again.`);
  };
}

function restartServer(ctx: Ctx) {
  return () => ctx.restart();
}

export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'attnlens.benchmark': benchmark,
  'attnlens.benchmarkCall': benchmarkCall,
  'attnlens.showRuntimeReport': showRuntimeReport,
  'attnlens.toggleAnnotations': toggleAnnotations,
  'attnlens.clearMeasurementCache': clearMeasurementCache,
  'attnlens.restartServer': restartServer,
  'attnlens.showLogs': showLogs,
};
