/**
 * `npm run bench:editor -- DIR [--files N] [--keystrokes K]`: drives the real language server
 * (`attnlens lsp --stdio`, a child process) as an editor does, on a real directory, and prints
 *
 *  - how long until each of the first N Python files under DIR (opened together, DIR the workspace
 *    folder) has its diagnostics, and the server's resident memory then;
 *  - the latency of K keystrokes typed one by one into FILE (`--type-in`; by default the open file with the most attention calls)
 *    (a new line after its first call, inside its function): from the change to the diagnostics of
 *    that version, the server's 150 ms debounce included; median, p95 and max;
 *  - how many documents each keystroke republished (only changed ones should be);
 *  - the server's resident memory after every document is closed again and the server has idled
 *    (its full collection after closes, idle-collection.ts, included).
 *
 * The server runs with the V8 flags the extension starts it with (`server-flags.ts`). Latency
 * measurement in the runtime worker is turned off, so the figures are the analysis' alone.
 * A benchmark, not a test: it prints, it asserts nothing.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import {
  DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, ExitNotification,
  InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, ShutdownRequest, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { parseArgs } from 'node:util';
import { findPythonFiles } from '../extension/cli/python-files';
import { SERVER_V8_FLAGS } from '../extension/client/server-flags';
import { IDLE_COLLECTION_DELAY_MS } from '../extension/server/idle-collection';

const BIN = path.resolve(__dirname, '../../bin/attnlens.js');
const CALL = /scaled_dot_product_attention|flash_attn_\w*func|memory_efficient_attention/g;

interface Options { readonly dir: string; readonly files: number; readonly keystrokes: number; readonly typeIn: string | undefined }

function options(): Options {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { files: { type: 'string', default: '100' }, keystrokes: { type: 'string', default: '40' }, 'type-in': { type: 'string' } } });
  if (positionals.length !== 1) throw new Error('usage: npm run bench:editor -- DIR [--files N] [--keystrokes K] [--type-in FILE]');
  const dir = path.resolve(positionals[0]!);
  return { dir, files: Number(values.files), keystrokes: Number(values.keystrokes), typeIn: values['type-in'] && path.resolve(dir, values['type-in']) };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function residentMB(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

/** Where to type: after the first attention call's line of the file with the most calls, with that line's indentation. */
function typingSpot(texts: ReadonlyMap<string, string>, typeIn: string | undefined): { readonly uri: string; readonly line: number; readonly indent: string } {
  const calls = (text: string): number => text.match(CALL)?.length ?? 0;
  const [uri, text] = typeIn ? [pathToFileURL(typeIn).href, texts.get(pathToFileURL(typeIn).href)!] : [...texts].sort((a, b) => calls(b[1]) - calls(a[1]))[0]!;
  const lines = text.split('\n');
  const at = Math.max(0, lines.findIndex((l) => calls(l) > 0));
  // The statement's last line: the first line after the call whose brackets balance.
  let depth = 0; let line = at;
  for (; line < lines.length; line++) {
    for (const ch of lines[line]!) depth += '([{'.includes(ch) ? 1 : ')]}'.includes(ch) ? -1 : 0;
    if (depth <= 0) break;
  }
  return { uri, line: line + 1, indent: /^\s*/.exec(lines[at]!)![0] };
}

async function main(): Promise<void> {
  const o = options();
  const all = await findPythonFiles([o.dir]);
  // The file typed in is among those open.
  const paths = [...new Set([...(o.typeIn ? [o.typeIn] : []), ...all])].slice(0, o.files);
  const texts = new Map(paths.map((p) => [pathToFileURL(p).href, fs.readFileSync(p, 'utf8')]));
  const child = spawn(process.execPath, [...SERVER_V8_FLAGS, BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: { readonly at: number; readonly params: PublishDiagnosticsParams }[] = [];
  let wake: (() => void) | null = null;
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => { published.push({ at: performance.now(), params }); wake?.(); });
  connection.listen();
  const until = async (done: () => boolean, timeoutMs: number): Promise<boolean> => {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); wake = () => { clearTimeout(t); resolve(); }; });
    }
    return true;
  };

  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: pathToFileURL(o.dir).href, workspaceFolders: [{ uri: pathToFileURL(o.dir).href, name: path.basename(o.dir) }],
    capabilities: {}, initializationOptions: { settings: { measurement: { enabled: false } } },
  });
  await connection.sendNotification(InitializedNotification.type, {});

  const opened = performance.now();
  for (const [uri, text] of texts) await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  const firstAt = new Map<string, number>();
  const allIn = await until(() => {
    for (const p of published) if (!firstAt.has(p.params.uri)) firstAt.set(p.params.uri, p.at - opened);
    return [...texts.keys()].every((u) => firstAt.has(u));
  }, 600_000);
  const openTimes = [...firstAt.values()].sort((a, b) => a - b);
  const openMB = residentMB(child.pid!);

  const spot = typingSpot(texts, o.typeIn);
  let text = texts.get(spot.uri)!;
  const typed = `${spot.indent}_probe = 1  # typed`;
  const lines = text.split('\n');
  lines.splice(spot.line, 0, '');
  text = lines.join('\n');
  const offset = lines.slice(0, spot.line).join('\n').length + 1;
  const latencies: number[] = []; const republished: number[] = [];
  for (let k = 0; k < o.keystrokes; k++) {
    const ch = typed[k % typed.length]!;
    const at = offset + (k % typed.length);
    if (k % typed.length === 0 && k > 0) text = text.slice(0, offset) + text.slice(offset + typed.length); // start the line again
    text = text.slice(0, at) + ch + text.slice(at);
    const version = k + 2; const sentAt = performance.now(); const before = published.length;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: spot.uri, version }, contentChanges: [{ text }] });
    const ok = await until(() => published.some((p) => p.params.uri === spot.uri && p.params.version === version), 60_000);
    latencies.push(ok ? performance.now() - sentAt : Infinity);
    await new Promise((resolve) => setTimeout(resolve, 300)); // what else this keystroke republishes
    republished.push(published.length - before);
  }
  latencies.sort((a, b) => a - b);

  for (const uri of texts.keys()) await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  // The analysis the closes start, then the server's idle collection (idle-collection.ts).
  await new Promise((resolve) => setTimeout(resolve, IDLE_COLLECTION_DELAY_MS + 3000));
  const closedMB = residentMB(child.pid!);
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  connection.dispose();

  const lineCount = [...texts.values()].reduce((n, t) => n + t.split('\n').length, 0);
  const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'no answer');
  console.log(`${o.dir}: ${texts.size} files open (${lineCount.toLocaleString('en-US')} lines)`);
  console.log(`  diagnostics for every file: ${allIn ? `${(openTimes.at(-1)! / 1000).toFixed(1)} s` : `not all within 600 s (${firstAt.size}/${texts.size})`} (median file ${(percentile(openTimes, 50) / 1000).toFixed(1)} s); server ${openMB} MB`);
  console.log(`  ${o.keystrokes} keystrokes in ${path.relative(o.dir, new URL(spot.uri).pathname)} line ${spot.line + 1}: median ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, max ${ms(latencies.at(-1)!)} (150 ms debounce included)`);
  console.log(`  documents republished per keystroke: ${[...new Set(republished)].sort((a, b) => a - b).join(', ')}`);
  console.log(`  server after closing every document: ${closedMB} MB`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
