/**
 * Every `attnlens/*` method between the VS Code client and the language server: the one list, for
 * both sides. docs/lsp-extensions.md mirrors it (a test fails when they drift apart).
 */
import { NotificationType, RequestType, RequestType0, type Position } from 'vscode-languageserver-protocol';
import type { AttentionShape } from '../kernels/kernel';
import type { Dtype } from '../runtime/dispatch/facts';
import type { ProviderName } from '../runtime/dispatch/capabilities';

/** Shapes as the runtime's kernels take them (v's head size equals q's here). */
export type BenchShape = Omit<AttentionShape, 'headDimV'>;

/** The mask a benchmark runs with: none, causal, or an additive float bias (zeros) of shape (1, 1, Lq, Lkv). */
export type BenchMask = 'none' | 'causal' | 'float';

export interface BenchmarkParams {
  /** Shapes to run; when absent, those of `call`, else the default profile's sequence sweep. */
  readonly shapes?: readonly BenchShape[];
  readonly dtype?: Dtype;
  /** Defaults to the call's (causal, a float bias, or none); `none` for `shapes` and the sweep. */
  readonly mask?: BenchMask;
  /** Benchmark the shapes of one call: the document and the call's index (code lens) or a position in it (editor). */
  readonly call?: { readonly uri: string; readonly index: number } | { readonly uri: string; readonly position: Position };
  /** LSP work-done progress token; the server reports one step per (kernel, provider, shape), each a row. */
  readonly workDoneToken?: string | number;
}

export interface BenchmarkRow {
  readonly kernel: string;
  readonly provider: ProviderName;
  readonly adapter: string;
  readonly dtype: Dtype;
  readonly shape: BenchShape;
  /** `ok`: measured and parity passed; `broken`: parity failed (no latency shown); `skipped`: not run. */
  readonly status: 'ok' | 'broken' | 'skipped';
  readonly medianMs: number | null;
  /** Spread of the timed runs: p10 to p90 in benchmark rows, the interquartile range in a call's measurement. */
  readonly spreadMs: number | null;
  /** Relative L2 error against the float64 reference. */
  readonly relError: number | null;
  readonly reason?: string;
}

/** The attention call a benchmark ran the shapes of, as the panel's title names it. */
export interface BenchmarkedCall {
  /** The API as written, e.g. `F.scaled_dot_product_attention`. */
  readonly api: string;
  /** Qualified name of the enclosing function, e.g. `SelfAttention.forward`. */
  readonly function: string | null;
  /** 1-based line of the call; in a notebook, within its cell. */
  readonly line: number;
  /** In a notebook: the cell (1-based). */
  readonly cell?: number;
}

export interface BenchmarkResult {
  readonly rows: readonly BenchmarkRow[];
  /** Present when the request named a `call`. */
  readonly call?: BenchmarkedCall;
}

export interface ProviderReport {
  readonly name: ProviderName;
  readonly available: boolean;
  /** Adapter description, e.g. `NVIDIA RTX 3060 (ampere, shader-f16)`, or why the provider is unavailable. */
  readonly detail: string;
}

export interface KernelParity {
  readonly kernel: string;
  readonly provider: ProviderName;
  readonly ok: boolean;
  readonly relError: number | null;
  readonly tolerance: number;
  readonly reason?: string;
}

/** The `attnlens doctor` data. */
export interface RuntimeReport {
  readonly providers: readonly ProviderReport[];
  readonly kernels: readonly KernelParity[];
}

export interface ClearCacheResult {
  readonly removed: number;
}

/** The runtime's state as the status bar shows it. */
export interface ServerStatus {
  readonly runtime: 'starting' | 'ready' | 'unavailable';
  /** e.g. `WebGPU · NVIDIA RTX 3060`, `WASM (no WebGPU adapter)`, or why the runtime is unavailable. */
  readonly text: string;
  /** More than fits a status bar, e.g. why there is no WebGPU adapter (a tooltip). */
  readonly detail?: string;
}

export const runtimeReport = new RequestType0<RuntimeReport, void>('attnlens/runtimeReport');
export const benchmark = new RequestType<BenchmarkParams, BenchmarkResult, void>('attnlens/benchmark');
export const clearMeasurementCache = new RequestType0<ClearCacheResult, void>('attnlens/clearMeasurementCache');
export const serverStatus = new NotificationType<ServerStatus>('attnlens/serverStatus');

export const CUSTOM_METHODS: readonly string[] = [runtimeReport.method, benchmark.method, clearMeasurementCache.method, serverStatus.method];
