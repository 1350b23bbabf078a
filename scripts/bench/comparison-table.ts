/**
 * The WASM provider's rows beside onnxruntime-node's for the same cases: latency, GFLOP/s, share
 * of the SIMD128 and native ceilings, the WASM/node ratio and attend()'s overhead, then per shape
 * the best WASM kernel against the best node kernel. Pure.
 */
import { ms, renderTable } from '../../extension/cli/table';
import type { BenchShape } from '../../runtime/bench/cases';
import type { BenchRow } from '../../runtime/bench/harness';
import { attentionFlops, gflopsPerSecond, type Ceilings } from './ceilings';

function shapeText(s: BenchShape): string {
  return `B${s.batch} H${s.heads} L${s.seq}${s.kv_seq === s.seq ? '' : `/${s.kv_seq}`} D${s.head_dim}`;
}

const caseKey = (r: BenchRow) => JSON.stringify([r.kernel, r.dtype, r.shape, r.bias]);
const percent = (x: number) => `${(100 * x).toFixed(0)} %`;
const ratio = (x: number) => `${x.toFixed(2)}×`;

/** The fastest measured row among `rows`, or null when none was measured. */
function fastest(rows: readonly BenchRow[]): BenchRow | null {
  return rows.filter((r) => r.median_ms !== null).reduce<BenchRow | null>((best, r) => (best === null || r.median_ms! < best.median_ms! ? r : best), null);
}

export function comparisonTable(wasm: readonly BenchRow[], node: readonly BenchRow[], peak: Ceilings): string {
  const nodeByCase = new Map(node.map((r) => [caseKey(r), r]));
  const rows = wasm.map((w) => {
    const n = nodeByCase.get(caseKey(w));
    const flops = attentionFlops(w.shape);
    const wGflops = w.median_ms === null ? null : gflopsPerSecond(flops, w.median_ms);
    const nMs = n?.median_ms ?? null;
    return [
      w.kernel, w.dtype, shapeText(w.shape), w.bias,
      w.median_ms === null ? '-' : ms(w.median_ms), wGflops === null ? '-' : wGflops.toFixed(1),
      wGflops === null ? '-' : percent(wGflops / peak.simd128), wGflops === null ? '-' : percent(wGflops / peak.native),
      nMs === null ? '-' : ms(nMs), nMs === null ? '-' : gflopsPerSecond(flops, nMs).toFixed(1),
      w.median_ms === null || nMs === null ? '-' : ratio(w.median_ms / nMs),
      w.overhead === undefined ? '' : w.overhead.toFixed(3),
      w.ok && n?.ok ? 'ok' : 'FAILED (below)',
    ];
  });
  const shapes = [...new Map(wasm.map((r) => [JSON.stringify([r.shape, r.bias, r.dtype]), r])).values()];
  const best = shapes.map((s) => {
    const same = (r: BenchRow) => JSON.stringify([r.shape, r.bias, r.dtype]) === JSON.stringify([s.shape, s.bias, s.dtype]);
    const bw = fastest(wasm.filter(same));
    const bn = fastest(node.filter(same));
    const what = `  ${shapeText(s.shape)} ${s.bias}: `;
    return bw && bn ? `${what}${ratio(bw.median_ms! / bn.median_ms!)} (WASM ${bw.kernel} ${ms(bw.median_ms!)} ms, node ${bn.kernel} ${ms(bn.median_ms!)} ms)\n` : `${what}-\n`;
  });
  const failures = [...wasm.map((r) => ['WASM', r] as const), ...node.map((r) => ['node', r] as const)]
    .filter(([, r]) => !r.ok).map(([who, r]) => `  ${who} ${r.kernel} ${shapeText(r.shape)} ${r.bias}: ${r.reason}\n`);
  return renderTable(
    ['kernel', 'dtype', 'shape', 'bias', 'WASM ms', 'GFLOP/s', 'of SIMD128', 'of native', 'node ms', 'node GFLOP/s', 'WASM/node', 'overhead', 'status'], rows,
  )
    + `\nbest WASM kernel / best node kernel:\n${best.join('')}`
    + (failures.length ? `\nnot measured:\n${failures.join('')}` : '')
    + `\nms: median; GFLOP/s: 4·B·H·Lq·Lk·D flops / median; ceilings (${peak.threads} thread${peak.threads === 1 ? '' : 's'} at ${peak.clockGHz.toFixed(2)} GHz): `
    + `SIMD128 ${peak.simd128.toFixed(0)} GFLOP/s, native ${peak.native.toFixed(0)} GFLOP/s\n`
    + 'overhead: attend() time / bare session.run time of the same graph and inputs, median of interleaved pairs (goal ≤ 1.03)\n';
}
