/**
 * What the benchmark panel shows, as plain data: its title (the call, else the shapes), a notice for a
 * cancelled run, the providers that measured nothing (one line above the table, not a row per kernel
 * and shape), the table, and one plotted line per kernel, provider and shape series. The extension
 * computes it; the webview (webview/benchmark.ts) only draws it. No vscode import, so tests run it directly.
 */
import type { BenchmarkedCall, BenchmarkRow, BenchShape } from '../protocol';

export interface BenchmarkRun {
  readonly rows: readonly BenchmarkRow[];
  /** The call whose shapes ran (the server names it), and the name of its file. */
  readonly call?: { readonly call: BenchmarkedCall; readonly file: string };
  /** The user cancelled: the rows are those that finished first. */
  readonly cancelled: boolean;
}

export interface TableRow {
  readonly status: BenchmarkRow['status'];
  readonly cells: readonly string[];
}

export interface PlotSeries {
  readonly label: string;
  /** Median latency at each of the plot's xs; null where the series has no measurement. */
  readonly values: readonly (number | null)[];
}

export interface PlotData {
  readonly xLabel: string;
  readonly xs: readonly number[];
  readonly series: readonly PlotSeries[];
}

export interface BenchmarkView {
  readonly title: string;
  readonly notice: string | null;
  /** Providers that measured nothing: `text` above the table, `detail` (their full reasons) as its tooltip. */
  readonly unavailable: { readonly text: string; readonly detail: string } | null;
  readonly headers: readonly string[];
  readonly rows: readonly TableRow[];
  readonly plot: PlotData;
}

/** The one message the extension posts to the webview: draw this view in place of the last. */
export interface ToWebview {
  readonly type: 'view';
  readonly view: BenchmarkView;
}

const TABLE_HEADERS = ['kernel', 'provider', 'adapter', 'dtype', 'shape', 'status', 'median ms', 'p10–p90 ms', 'rel. error'] as const;

/** Longest reason shown in the line above the table; the tooltip has all of it. */
const SHORT_REASON_CHARS = 80;
/** Shape series named in a title before the rest are counted. */
const TITLE_SERIES = 3;

export function benchmarkView(run: BenchmarkRun): BenchmarkView {
  const unavailable = unavailableProviders(run.rows);
  const shown = run.rows.filter((r) => !unavailable.some((u) => u.provider === r.provider));
  return {
    title: benchmarkTitle(run),
    notice: run.cancelled ? cancelledNotice(run.rows.length) : null,
    unavailable: unavailable.length === 0 ? null : {
      text: `Not measured on ${unavailable.map((u) => `${u.provider} (${shortReason(u.reason)})`).join(', ')}`,
      detail: unavailable.map((u) => `${u.provider}: ${u.reason}`).join('\n'),
    },
    headers: TABLE_HEADERS,
    rows: shown.map(tableRow),
    plot: plotData(shown),
  };
}

/** `Benchmark: F.scaled_dot_product_attention in Attention.forward (model.py:42) · B1 H8 L256 D64`, or the shapes alone. */
export function benchmarkTitle(run: BenchmarkRun): string {
  const shapes = shapesPhrase(run.rows.map((r) => r.shape));
  if (run.call === undefined) return shapes === '' ? 'Benchmark' : `Benchmark: ${shapes}`;
  const { call, file } = run.call;
  const where = call.cell === undefined ? `${file}:${call.line}` : `${file}, cell ${call.cell}, line ${call.line}`;
  const name = `${call.api}${call.function === null ? '' : ` in ${call.function}`} (${where})`;
  return shapes === '' ? `Benchmark: ${name}` : `Benchmark: ${name} · ${shapes}`;
}

function cancelledNotice(finished: number): string {
  return finished === 0 ? 'Cancelled before any run finished.'
    : `Cancelled: showing the ${finished} run${finished === 1 ? '' : 's'} that finished first.`;
}

/** The table's shape cell: `B1 H8 Lq256 Lkv256 D64`. */
function shapeCell(s: BenchShape): string {
  return `B${s.batch} H${s.heads} Lq${s.seqQ} Lkv${s.seqKv} D${s.headDim}`;
}

function tableRow(r: BenchmarkRow): TableRow {
  return {
    status: r.status,
    cells: [r.kernel, r.provider, r.adapter, r.dtype, shapeCell(r.shape), r.reason === undefined ? r.status : `${r.status}: ${r.reason}`,
      fixed(r.medianMs), fixed(r.spreadMs), r.relError === null ? '—' : r.relError.toExponential(1)],
  };
}

function fixed(v: number | null): string {
  return v === null ? '—' : v.toFixed(3);
}

/**
 * Providers none of whose rows ran (every row skipped), in the rows' order, each with its reason:
 * the one reason all its rows give (less the `webgpu: ` the server puts first), else a summary.
 */
export function unavailableProviders(rows: readonly BenchmarkRow[]): { provider: string; reason: string }[] {
  const providers = [...new Set(rows.map((r) => r.provider))];
  return providers.flatMap((provider) => {
    const own = rows.filter((r) => r.provider === provider);
    if (own.some((r) => r.status !== 'skipped')) return [];
    const reasons = [...new Set(own.map((r) => (r.reason ?? 'skipped').replace(new RegExp(`^${provider}: `), '')))];
    return [{ provider, reason: reasons.length === 1 ? reasons[0]! : `every run was skipped, for ${reasons.length} different reasons` }];
  });
}

/** The reason's first line, cut at a word before SHORT_REASON_CHARS. */
export function shortReason(reason: string): string {
  const line = reason.split('\n')[0]!.trim();
  if (line.length <= SHORT_REASON_CHARS) return line;
  const cut = line.slice(0, SHORT_REASON_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > SHORT_REASON_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/**
 * A shape series, named by what stays fixed while the plot's x (the key length, which is the sequence
 * length in self-attention) varies: `B1 H8 D64`, `/2` after the heads for grouped kv heads, `Lq1` where
 * the query length is its own. Shapes of different series (another batch, heads, head size or query
 * length) are never joined into one line.
 */
function seriesLabel(s: BenchShape): string {
  return `B${s.batch} H${heads(s)}${s.seqQ === s.seqKv ? '' : ` Lq${s.seqQ}`} D${s.headDim}`;
}

/** One shape: `B1 H8 L256 D64`, or `B1 H8 Lq1 Lkv4096 D64`. */
function shapeName(s: BenchShape): string {
  return `B${s.batch} H${heads(s)} ${s.seqQ === s.seqKv ? `L${s.seqQ}` : `Lq${s.seqQ} Lkv${s.seqKv}`} D${s.headDim}`;
}

function heads(s: BenchShape): string {
  return s.kvHeads === s.heads ? `${s.heads}` : `${s.heads}/${s.kvHeads}`;
}

/** One line per kernel · provider · shape series of the measured rows; the series is named only when there are several. */
export function plotData(rows: readonly BenchmarkRow[]): PlotData {
  const measured = rows.filter((r) => r.status === 'ok' && r.medianMs !== null);
  const xs = [...new Set(measured.map((r) => r.shape.seqKv))].sort((a, b) => a - b);
  const shapeSeries = new Set(measured.map((r) => seriesLabel(r.shape)));
  const lineOf = (r: BenchmarkRow) => `${r.kernel} · ${r.provider}${shapeSeries.size > 1 ? ` · ${seriesLabel(r.shape)}` : ''}`;
  const labels = [...new Set(measured.map(lineOf))];
  return {
    xLabel: measured.every((r) => r.shape.seqQ === r.shape.seqKv) ? 'sequence length' : 'key length',
    xs,
    series: labels.map((label) => ({
      label,
      values: xs.map((x) => measured.find((r) => lineOf(r) === label && r.shape.seqKv === x)?.medianMs ?? null),
    })),
  };
}

/**
 * The shapes, each series once: `B1 H8 L256 D64` for one shape, `B1 H8 D64 at L 128, 256, 512` for a
 * sweep (`Lkv` where the query length differs), the first TITLE_SERIES series and a count of the rest.
 */
export function shapesPhrase(shapes: readonly BenchShape[]): string {
  const series = new Map<string, BenchShape[]>();
  for (const s of shapes) {
    const members = series.get(seriesLabel(s)) ?? series.set(seriesLabel(s), []).get(seriesLabel(s))!;
    if (!members.some((m) => m.seqKv === s.seqKv)) members.push(s);
  }
  const phrases = [...series].map(([label, members]) => members.length === 1 ? shapeName(members[0]!)
    : `${label} at ${members[0]!.seqQ === members[0]!.seqKv ? 'L' : 'Lkv'} ${members.map((m) => m.seqKv).join(', ')}`);
  const rest = phrases.length - TITLE_SERIES;
  return rest > 0 ? `${phrases.slice(0, TITLE_SERIES).join('; ')}; ${rest} more` : phrases.join('; ');
}
