/** The WebGPU report from webgpu-child.ts, computed once per mocha process; the child is killed after. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { AdapterStatus, ParityReport } from '../../runtime';

/** `failure`: no adapter (tests skip, saying why); `error`: the child broke (tests fail). */
export type WebGpuReport = { failure: string } | { error: string } | { parity: ParityReport; adapter: AdapterStatus };

let report: Promise<WebGpuReport> | null = null;

export function webgpuReport(timeoutMs = 240_000): Promise<WebGpuReport> {
  report ??= new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'webgpu-child.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`WebGPU child gave no report within ${timeoutMs} ms`)); }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.indexOf('\n');
      if (line < 0) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(JSON.parse(out.slice(0, line)) as WebGpuReport);
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`WebGPU child exited (code ${code}) before reporting`)); });
  });
  return report;
}
