/**
 * Pure text for the client's outputs: benchmark CSV/JSON exports and their file names, the runtime report as Markdown,
 * and shapes typed by the user. No vscode import, so tests run it directly.
 */
import type { BenchmarkRow, BenchShape, RuntimeReport } from '../protocol';

const CSV_COLUMNS = ['kernel', 'provider', 'adapter', 'dtype', 'batch', 'heads', 'kv_heads', 'seq_q', 'seq_kv', 'head_dim', 'status', 'median_ms', 'spread_ms', 'rel_error', 'reason'] as const;

/** `attnlens-benchmark-2026-12-07-0052.csv`: the save dialog's default, in local time, so exports sort by when they ran. */
export function exportFileName(format: 'csv' | 'json', now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}`;
  return `attnlens-benchmark-${stamp}.${format}`;
}

export function toCsv(rows: readonly BenchmarkRow[]): string {
  const cell = (v: string | number | null | undefined): string => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = rows.map((r) => [
    r.kernel, r.provider, r.adapter, r.dtype, r.shape.batch, r.shape.heads, r.shape.kvHeads, r.shape.seqQ, r.shape.seqKv, r.shape.headDim,
    r.status, r.medianMs, r.spreadMs, r.relError, r.reason,
  ].map(cell).join(','));
  return [CSV_COLUMNS.join(','), ...lines].join('\n') + '\n';
}

export function toJson(rows: readonly BenchmarkRow[]): string {
  return `${JSON.stringify({ rows }, null, 2)}\n`;
}

export function runtimeReportMarkdown(report: RuntimeReport): string {
  const providers = report.providers.map((p) => `| ${p.name} | ${p.available ? 'available' : 'unavailable'} | ${p.detail} |`);
  const kernels = report.kernels.map((k) =>
    `| ${k.kernel} | ${k.provider} | ${k.ok ? 'ok' : 'broken'} | ${k.relError === null ? '—' : k.relError.toExponential(1)} | ${k.tolerance.toExponential(0)} | ${k.reason ?? ''} |`);
  return [
    '# Attention Lens runtime report', '',
    '## Providers', '', '| provider | state | adapter / reason |', '|---|---|---|', ...providers, '',
    '## Kernel parity (relative L2 error against float64)', '', '| kernel | provider | parity | rel. error | tolerance | reason |', '|---|---|---|---|---|---|', ...kernels, '',
  ].join('\n');
}

/**
 * `1 8 256 64; 2 8 1024 64` (B H L D per shape) → shapes, or the reason the text is not that.
 * A fifth number gives the key length when it differs (decode against a KV cache).
 */
export function parseShapes(text: string): BenchShape[] | string {
  const groups = text.split(';').map((g) => g.trim()).filter((g) => g !== '');
  if (groups.length === 0) return 'enter at least one shape as "B H L D"';
  const shapes: BenchShape[] = [];
  for (const group of groups) {
    const numbers = group.split(/[\s,x×]+/).map(Number);
    if ((numbers.length !== 4 && numbers.length !== 5) || numbers.some((n) => !Number.isInteger(n) || n <= 0)) {
      return `'${group}' is not "B H L D" (or "B H Lq D Lkv") with positive integers`;
    }
    const [batch, heads, seqQ, headDim, seqKv = seqQ] = numbers as [number, number, number, number, number?];
    shapes.push({ batch, heads, kvHeads: heads, seqQ, seqKv, headDim });
  }
  return shapes;
}
