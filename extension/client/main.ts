/** activate(): one Ctx, the command table, the server started; errors are shown, then rethrown. */
import * as vscode from 'vscode';
import { COMMANDS } from './commands';
import { Ctx } from './ctx';

let ctx: Ctx | null = null;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  try {
    ctx = new Ctx(extension, COMMANDS);
    await ctx.start();
  } catch (err) {
    void vscode.window.showErrorMessage(`Attention Lens failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = null;
}
