/** Shared helpers for analysis tests: fixture loading and compact, exact summaries of call sites. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Decision } from '../../runtime/dispatch/decision';
import { describeDecision } from '../../runtime/dispatch/describe';
import { callReport, environmentOf } from '../../extension/analysis/reporting/build-report';
import type { Fact, Mode } from '../../runtime/dispatch/facts';
import type { CallSite, ModeSite } from '../../extension/analysis/call-facts/call-sites';
import type { AnalysisSettings, TextEdit } from '../../extension/analysis/report';
import { perCase } from '../../extension/analysis/reporting/mode-words';
import { Workspace } from '../../extension/analysis/session/workspace';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import * as assert from 'node:assert/strict';

export const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'python');

export const SETTINGS: AnalysisSettings = {
  autocast: 'unknown', installed: { flash_attn: null, xformers: null }, torch: [2, 5], sm: 80, device: 'cuda', assumeInputs: 'float32-params',
};

/** A fixture under test/fixtures/python, or the bundled example (`examples/…`). */
export function readFixture(name: string): string {
  const root = name.startsWith('examples/') ? path.join(FIXTURES, '..', '..', '..') : FIXTURES;
  return fs.readFileSync(path.join(root, name), 'utf8');
}

/** Call sites of the named fixture files analysed together (paths as given). */
export async function sitesOf(names: readonly string[], settings: AnalysisSettings = SETTINGS): Promise<readonly CallSite[]> {
  const ws = await Workspace.create(settings);
  try {
    for (const n of names) ws.update(n, readFixture(n));
    return ws.callSites();
  } finally {
    ws.dispose();
  }
}

/** Call sites of inline source, as the file `path`. */
export async function sitesOfSource(text: string, settings: AnalysisSettings = SETTINGS, path = 'snippet.py'): Promise<readonly CallSite[]> {
  const ws = await Workspace.create(settings);
  try {
    ws.update(path, text);
    return ws.callSites();
  } finally {
    ws.dispose();
  }
}

export function fact<T>(f: Fact<T>): string {
  return f.known ? String(f.value) : '?';
}

/** `q,k,v` dtypes as `fp32,fp32,bf16` (`?` unknown). */
export function dtypes(m: ModeSite): string {
  const short = (f: Fact<string>): string => (f.known ? f.value.replace('float', 'fp').replace('bfp', 'bf') : '?');
  return [m.facts.dtypes.q, m.facts.dtypes.k, m.facts.dtypes.v].map(short).join(',');
}

/** One line per path kind: reached, dtypes, mask kind, causal, dropout, layout, heads, head size. */
export function modeLine(m: ModeSite): string {
  const f = m.facts;
  return `reached=${m.reached} ${dtypes(m)} mask=${fact(f.mask.kind)} causal=${fact(f.causal)} p=${fact(f.dropout)} `
    + `layout=${fact(f.layout)} H=${fact(f.shape.heads)} D=${fact(f.shape.headDim)}`;
}

export function siteLine(s: CallSite): string {
  return `${s.path}:${s.span.line}:${s.span.column} ${s.api} ${s.function ?? '<module>'}`;
}

/** `value | source` of a fact (`? | what it depends on` when unknown), line marks resolved. */
export function told<T>(f: Fact<T>): string {
  return f.known ? `${String(f.value)} | ${resolveLineMarks(f.source)}` : `? | ${resolveLineMarks(f.dependsOn)}`;
}

/** The call site at a line (and column, where a line has more than one). */
export function siteAt(sites: readonly CallSite[], line: number, column?: number): CallSite {
  const site = sites.find((s) => s.span.line === line && (column === undefined || s.span.column === column));
  assert.ok(site, `no call site at ${line}:${column ?? '*'} among ${sites.map(siteLine).join(', ')}`);
  return site;
}

/** Each site as lines: where, each path kind's facts and what the policy says, then every finding. */
export function annotate(sites: readonly CallSite[]): string[] {
  return sites.flatMap((s) => {
    const report = callReport(s, environmentOf(SETTINGS));
    return [
      siteLine(s),
      `  train ${modeLine(s.modes.train)} → ${perCase(report.modes.train, (d) => describeDecision(d), ' · ')}`,
      `  infer ${modeLine(s.modes.infer)} → ${perCase(report.modes.infer, (d) => describeDecision(d), ' · ')}`,
      ...report.findings.map((f) => `  ${f.code} ${f.severity} ${f.mode ?? '-'} ${f.span.line}:${f.span.column} ${f.message}`),
    ];
  });
}

/** Where q's dtype comes from on a path kind (or what it depends on), and what starts that path, as the report says. */
export function qAndMode(site: CallSite, mode: Mode): [string, string] {
  const facts = callReport(site, environmentOf(SETTINGS)).modes[mode].facts;
  const q = facts.dtypes.q;
  return [q.known ? `${q.value} from ${q.source}` : `depends on ${q.dependsOn}`, facts.mode.known ? facts.mode.source : facts.mode.dependsOn];
}

/** The policy's outcome in one word: `runs sdpa.flash`, `raises`, `depends sdpa.flash`. */
export function outcome(d: Decision): string {
  return d.backend ? `${d.outcome} ${d.backend}` : d.outcome;
}

/** Apply 1-based, end-exclusive edits to a text (last first, so positions stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number): number => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  return [...edits]
    .sort((a, b) => offset(b.span.line, b.span.column) - offset(a.span.line, a.span.column))
    .reduce((t, e) => t.slice(0, offset(e.span.line, e.span.column)) + e.newText + t.slice(offset(e.span.endLine, e.span.endColumn)), text);
}

/**
 * A workspace of one file: module `M` (a Linear `proj` 64 → 192, a parameter `scale`, a buffer
 * `freqs`) and `train_step(m: M, x, q, k, v)` whose body is `body`, then
 * `return F.scaled_dot_product_attention(q, k, v)`; inside an fp16 autocast region when `autocast`.
 */
export function program(body: string, autocast: boolean): string {
  const indent = autocast ? '        ' : '    ';
  const lines = body.split('\n').map((l) => indent + l).join('\n');
  return [
    'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
    'class M(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.proj = nn.Linear(64, 192)',
    '        self.scale = nn.Parameter(torch.ones(1))', '        self.register_buffer("freqs", torch.randn(64))', '',
    '    def forward(self, x, q, k, v):', '        return x', '',
    'def train_step(m: M, x, q, k, v):',
    ...(autocast ? ["    with torch.autocast('cuda', dtype=torch.float16):"] : []),
    lines,
    `${indent}return F.scaled_dot_product_attention(q, k, v)`,
  ].join('\n');
}
