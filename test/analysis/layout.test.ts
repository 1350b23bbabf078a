/**
 * The analysis' stages (docs/analysis.md, "Stages"): every module under extension/analysis/ belongs
 * to one stage of STAGES, and a module imports only from its own stage or from stages listed before
 * it, so no import cycle runs between stages. Type-only imports count: a stage that names a type of a
 * later stage changes when that stage does, which is the coupling the order is there to prevent.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

interface Stage {
  readonly name: string;
  /** Folders (ending in `/`) and files under extension/analysis/. */
  readonly paths: readonly string[];
}

/** In pipeline order: each stage may import the ones before it, never one after it. */
const STAGES: readonly Stage[] = [
  // The result's shape (Span, Finding, CallReport, AnalysisSettings): types every stage writes into.
  { name: 'report shape', paths: ['report.ts'] },
  { name: 'syntax', paths: ['syntax/'] },
  { name: 'workspace index', paths: ['workspace-index/'] },
  { name: 'values', paths: ['values/'] },
  { name: 'torch semantics', paths: ['torch/'] },
  { name: 'interpreter', paths: ['interpreter/'] },
  { name: 'call facts', paths: ['call-facts/'] },
  { name: 'rules', paths: ['rules/'] },
  { name: 'reporting', paths: ['reporting/'] },
  // index.ts, the public API, drives the workspace, which takes its `SourceFile` type.
  { name: 'session', paths: ['session/', 'index.ts'] },
];

const ANALYSIS = path.join(__dirname, '..', '..', '..', 'extension', 'analysis');

/** An import from one module to another, both as paths relative to extension/analysis/ (`/`-separated). */
interface Import {
  readonly from: string;
  readonly to: string;
}

function modules(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return modules(path.join(dir, e.name), `${prefix}${e.name}/`);
    return e.name.endsWith('.ts') ? [`${prefix}${e.name}`] : [];
  });
}

/** The module a relative specifier names (`./x` → `x.ts` or `x/index.ts`); undefined outside the analysis. */
function resolve(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`].find((m) => known.has(m));
}

/** Every relative import between analysis modules: `import`, `import type`, `export … from`, `import()` and `require`. */
function analysisImports(): Import[] {
  const known = new Set(modules(ANALYSIS));
  return [...known].flatMap((from) => {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ANALYSIS, from), 'utf8'), true, true);
    return info.importedFiles
      .filter((f) => f.fileName.startsWith('.'))
      .flatMap((f) => {
        const to = resolve(from, f.fileName, known);
        return to ? [{ from, to }] : [];
      });
  });
}

function stageOf(module: string, stages: readonly Stage[]): Stage | undefined {
  return stages.find((s) => s.paths.some((p) => (p.endsWith('/') ? module.startsWith(p) : module === p)));
}

/** Imports between stages, by importing stage and imported stage. */
function stageEdges(imports: readonly Import[], stages: readonly Stage[]): Map<string, Map<string, Import[]>> {
  const edges = new Map<string, Map<string, Import[]>>();
  for (const i of imports) {
    const a = stageOf(i.from, stages)?.name;
    const b = stageOf(i.to, stages)?.name;
    if (a === undefined || b === undefined || a === b) continue;
    const out = edges.get(a) ?? new Map<string, Import[]>();
    edges.set(a, out);
    out.set(b, [...(out.get(b) ?? []), i]);
  }
  return edges;
}

/** A cycle of stages, as the imports that make it (one per step); null when there is none. */
function stageCycle(edges: ReadonlyMap<string, ReadonlyMap<string, readonly Import[]>>): Import[] | null {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (stage: string): string[] | null => {
    const at = onPath.indexOf(stage);
    if (at >= 0) return [...onPath.slice(at), stage];
    if (done.has(stage)) return null;
    onPath.push(stage);
    for (const next of edges.get(stage)?.keys() ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(stage);
    return null;
  };
  for (const stage of edges.keys()) {
    const cycle = visit(stage);
    if (cycle) return cycle.slice(1).map((to, i) => edges.get(cycle[i]!)!.get(to)![0]!);
  }
  return null;
}

describe('analysis layout: stages', () => {
  const imports = analysisImports();
  const all = modules(ANALYSIS);
  const describeImport = (i: Import): string => `${i.from} (${stageOf(i.from, STAGES)!.name}) imports ${i.to} (${stageOf(i.to, STAGES)!.name})`;

  it('puts every module in exactly one stage, and every stage path exists', () => {
    assert.ok(imports.length > 100, `only ${imports.length} imports read: the reader is broken`);
    const unplaced = all.filter((m) => stageOf(m, STAGES) === undefined);
    assert.deepEqual(unplaced, [], `modules in no stage (add them to a stage folder, or STAGES): ${unplaced.join(', ')}`);
    const twice = all.filter((m) => STAGES.filter((s) => stageOf(m, [s])).length > 1);
    assert.deepEqual(twice, []);
    const missing = STAGES.flatMap((s) => s.paths).filter((p) => (p.endsWith('/') ? !all.some((m) => m.startsWith(p)) : !all.includes(p)));
    assert.deepEqual(missing, [], `stage paths with no module: ${missing.join(', ')}`);
  });

  it('has no import cycle between stages', () => {
    const cycle = stageCycle(stageEdges(imports, STAGES));
    if (cycle) assert.fail(`import cycle between stages:\n  ${cycle.map(describeImport).join('\n  ')}`);
  });

  it('imports no stage from one listed before it', () => {
    const rank = (m: string) => STAGES.indexOf(stageOf(m, STAGES)!);
    const upward = imports.filter((i) => rank(i.to) > rank(i.from)).map(describeImport);
    if (upward.length > 0) assert.fail(`imports of a later stage:\n  ${upward.join('\n  ')}`);
  });

  it('names the imports of a cycle between stages (the check itself)', () => {
    const made: Import[] = [
      { from: 'syntax/a.ts', to: 'values/b.ts' },
      { from: 'values/b.ts', to: 'torch/c.ts' },
      { from: 'torch/c.ts', to: 'syntax/d.ts' },
      { from: 'rules/e.ts', to: 'syntax/a.ts' },
    ];
    assert.deepEqual(stageCycle(stageEdges(made, STAGES)), made.slice(0, 3));
    assert.equal(stageCycle(stageEdges(made.slice(1), STAGES)), null);
  });
});
