/**
 * The server's mutable state: open documents, client capabilities recorded at initialize, raw
 * options and resolved settings, the latest analysis per document, and measurements.
 * Handlers read it; only the analysis scheduler and the settings handler change it.
 */
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeLensRefreshRequest, TextDocuments, type Connection } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SourceFile } from '../analysis/index';
import type { AnalysisSettings, CallReport, FileReport } from '../analysis/report';
import { placeInCells, type Notebook } from '../notebook/cell-report';
import { pythonSource, pythonSources } from '../notebook/notebook-sources';
import { toDiagnostics, primaryMode } from './convert';
import type { MeasureJob, LatencyState } from './measurement';
import { Measurements } from './measurements';
import type { RuntimeGateway } from './runtime-gateway';
import { selectedByConfig } from '../project-config/file-patterns';
import { ProjectConfigFinder } from '../project-config/find-project-config';
import { ProjectConfigError, type ProjectConfig } from '../project-config/project-config';
import { cellReports, OpenNotebooks, type OpenNotebook } from './open-notebooks';
import { projectOptions } from './project-settings';
import { DEFAULT_SETTINGS, layerOptions, resolveSettings, type ServerSettings } from './settings';
import { resolveShape } from './shape-profile';
import { isWorkspacePython, readPythonFile, readPythonFiles } from './workspace-files';
import { IdleCollection } from './idle-collection';
import { DocumentSync } from './handlers/document-sync';

/** The analysis as the server drives it: files kept open and re-analysed incrementally (AnalysisSession). */
export interface IncrementalAnalysis {
  settings: AnalysisSettings;
  update(path: string, text: string): void;
  /** Open many files at once (large ones parsed on worker threads). */
  openAll(files: readonly SourceFile[]): Promise<void>;
  close(path: string): void;
  report(path: string): FileReport;
  dispose(): void;
}

export type AnalysisFactory = (settings: AnalysisSettings) => Promise<IncrementalAnalysis>;

/** What the client can do, recorded once at initialize. */
export interface ClientFlags {
  readonly configuration: boolean;
  readonly dynamicConfiguration: boolean;
  readonly codeLensRefresh: boolean;
  readonly inlayHintRefresh: boolean;
  readonly workDoneProgress: boolean;
  /** The client watches files for the server when asked to (`client/registerCapability`). */
  readonly watchedFiles: boolean;
}

export interface AnalyzedDocument {
  readonly version: number;
  readonly report: FileReport;
}

/** Where the server is in the LSP lifecycle: it answers requests only while `running`. */
export type Lifecycle = 'starting' | 'running' | 'shut down';

/** How long edits settle before the analysis runs. */
const ANALYSIS_DELAY_MS = 150;

export class Session {
  readonly documents = new TextDocuments(TextDocument);
  /** Open notebooks; their cells are not among `documents` (they are synced with their notebook). */
  readonly notebooks = new OpenNotebooks();
  /** What keeps `documents` and `notebooks` in sync, run by the server's routes. */
  readonly sync = new DocumentSync(this.documents, this.notebooks.documents);
  lifecycle: Lifecycle = 'starting';
  client: ClientFlags = { configuration: false, dynamicConfiguration: false, codeLensRefresh: false, inlayHintRefresh: false, workDoneProgress: false, watchedFiles: false };
  /** `initializationOptions.settings` as sent: the fallback when the client has no workspace/configuration. */
  rawOptions: unknown = undefined;
  settings: ServerSettings = DEFAULT_SETTINGS;
  readonly measurements: Measurements;
  /** Workspace folders, recorded at initialize; their Python files give the analysis its callers. */
  roots: string[] = [];
  /** The workspace's [tool.attnlens], as last read: its settings and the files its include/exclude select. */
  private project: ProjectConfig | undefined = undefined;
  /** By document URI: a Python file's, or a notebook cell's (its part of the notebook's report). */
  private readonly analyzed = new Map<string, AnalyzedDocument>();
  /** The cell URIs each open notebook's last analysis reported on, to clear cells deleted since. */
  private readonly notebookCells = new Map<string, readonly string[]>();
  /** What was last sent per document (version and diagnostics), so an analysis republishes only what changed. */
  private readonly published = new Map<string, string>();
  /** Text on disk of the workspace's Python files, notebooks as their code cells' module (what a closed document goes back to). */
  private diskTexts = new Map<string, string>();
  /** The workspace's notebooks as on disk, to name their lines by cell in messages while they are closed. */
  private diskNotebooks = new Map<string, Notebook>();
  /** Paths whose text in the analysis may no longer be what is on disk: documents closed, files changed on disk. */
  private readonly stale = new Set<string>();
  private engine: Promise<IncrementalAnalysis> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** A full collection once the server idles after documents closed (idle-collection.ts). */
  private readonly idleCollection = new IdleCollection();
  private analysisRun: Promise<void> = Promise.resolve();
  /** Settles once the workspace's files are in the analysis: analyses wait for it, so the first one already sees the callers. */
  private workspaceLoaded: Promise<void> = Promise.resolve();

  constructor(
    readonly connection: Connection,
    private readonly createAnalysis: AnalysisFactory,
    readonly runtime: RuntimeGateway,
  ) {
    this.measurements = new Measurements(() => this.runtime, () => this.refreshLenses(), (m) => connection.console.log(m));
  }

  analysis(uri: string): AnalyzedDocument | undefined {
    return this.settings.annotations ? this.analyzed.get(uri) : undefined;
  }

  call(uri: string, index: number): CallReport | undefined {
    return this.analysis(uri)?.report.calls[index];
  }

  latency(call: CallReport): LatencyState {
    return this.measurements.state(measureJob(call, this.settings), this.settings.measurement.enabled);
  }

  /** Re-reads settings: workspace/configuration where the client has it, else the raw options. */
  /** The editor's settings over the workspace's [tool.attnlens] (read afresh: pyproject.toml may have changed). */
  async loadSettings(): Promise<void> {
    const raw = this.client.configuration ? await this.connection.workspace.getConfiguration('attnlens') : this.rawOptions;
    this.project = await this.projectConfig();
    const { settings, warnings } = resolveSettings(layerOptions(raw, projectOptions(this.project)));
    this.settings = settings;
    for (const w of warnings) this.connection.console.warn(w);
  }

  /**
   * The nearest [tool.attnlens] above the first workspace folder: the analysis runs under one set of
   * settings, so the workspace has one project's (`attnlens check` takes each file's own).
   */
  private async projectConfig(): Promise<ProjectConfig | undefined> {
    const root = this.roots[0];
    if (root === undefined) return undefined;
    try {
      return await new ProjectConfigFinder().forFile(nodePath.join(root, 'pyproject.toml'));
    } catch (err) {
      if (!(err instanceof ProjectConfigError)) throw err;
      this.connection.console.warn(`${err.message}; the editor's settings apply`);
      return undefined;
    }
  }

  /** Re-analyse the open Python documents (with the workspace as context) after edits settle; editing never waits for it. */
  scheduleAnalysis(): void {
    this.idleCollection.busy();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.analysisRun = this.analysisRun.then(() => this.runAnalysis());
    }, ANALYSIS_DELAY_MS);
  }

  forget(uri: string): void {
    this.unpublish(uri);
    this.stale.add(uriToPath(uri));
    this.idleCollection.closed();
  }

  /** A notebook closed: its cells' diagnostics are cleared and it leaves the analysis. */
  forgetNotebook(uri: string): void {
    for (const cell of this.notebookCells.get(uri) ?? []) this.unpublish(cell);
    this.notebookCells.delete(uri);
    this.stale.add(uriToPath(uri));
    this.idleCollection.closed();
  }

  private unpublish(uri: string): void {
    this.analyzed.delete(uri);
    this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Reads the workspace's Python files into the analysis (once, when the client has initialized). */
  loadWorkspace(): Promise<void> {
    this.workspaceLoaded = this.readWorkspace();
    return this.workspaceLoaded;
  }

  private async readWorkspace(): Promise<void> {
    const project = await this.projectConfig();
    const { texts, truncated } = await readPythonFiles(this.roots, (file) => selectedByConfig(file, project));
    const { sources, notebooks } = pythonSources([...texts].map(([path, text]) => ({ path, text })));
    this.diskTexts = new Map(sources.map((f) => [f.path, f.text]));
    this.diskNotebooks = notebooks;
    if (truncated) this.connection.console.warn(`workspace has more Python files than the analysis reads; callers in the rest are not seen`);
    const engine = await this.analysisEngine();
    await engine.openAll(sources.filter((f) => !this.isOpen(f.path)));
    this.scheduleAnalysis();
  }

  /** Files created, changed or deleted on disk (reported by the editor): read again, then re-analyse. */
  async filesChanged(changes: readonly { readonly path: string; readonly deleted: boolean }[]): Promise<void> {
    if (changes.some((c) => c.path.endsWith(`${nodePath.sep}pyproject.toml`))) await this.loadSettings();
    for (const { path, deleted } of changes) {
      if (!isWorkspacePython(path, this.roots) || !selectedByConfig(path, this.project)) continue;
      const text = deleted ? null : await readPythonFile(path);
      this.diskNotebooks.delete(path);
      if (text === null) {
        this.diskTexts.delete(path);
      } else {
        const { source, notebook } = pythonSource({ path, text });
        this.diskTexts.set(path, source.text);
        if (notebook !== undefined) this.diskNotebooks.set(path, notebook);
      }
      this.stale.add(path);
    }
    this.scheduleAnalysis();
  }

  private isOpen(path: string): boolean {
    return this.documents.all().some((d) => uriToPath(d.uri) === path) || this.notebooks.uris().some((uri) => uriToPath(uri) === path);
  }

  async disposeAnalysis(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    (await engine)?.dispose();
  }

  private analysisEngine(): Promise<IncrementalAnalysis> {
    this.engine ??= this.createAnalysis(this.settings.analysis);
    return this.engine;
  }

  private async runAnalysis(): Promise<void> {
    try {
      // A workspace that failed to load was reported where it was loaded; the open documents still get analysed.
      await this.workspaceLoaded.catch(() => undefined);
      const docs = this.documents.all().filter((d) => d.languageId === 'python' || d.uri.endsWith('.py'));
      const engine = await this.analysisEngine();
      if (JSON.stringify(engine.settings) !== JSON.stringify(this.settings.analysis)) engine.settings = this.settings.analysis;
      // An open document's text wins over the disk's; it is updated below.
      for (const path of this.stale) {
        if (this.isOpen(path)) continue;
        const onDisk = this.diskTexts.get(path);
        if (onDisk === undefined) engine.close(path); else engine.update(path, onDisk);
      }
      this.stale.clear();
      const notebooks = this.notebooks.all();
      for (const d of docs) engine.update(uriToPath(d.uri), d.getText());
      for (const n of notebooks) engine.update(uriToPath(n.uri), n.module.text);
      // Messages of any file may name a notebook's lines (an autocast region in it): by cell, as its positions are.
      const modules = new Map<string, Notebook>([...this.diskNotebooks, ...notebooks.map((n) => [uriToPath(n.uri), n.module] as const)]);
      const report = (path: string) => placeInCells([engine.report(path)], modules)[0]!;
      for (const d of docs) this.analyzed.set(d.uri, { version: d.version, report: report(uriToPath(d.uri)) });
      for (const n of notebooks) this.analyzeCells(n, report(uriToPath(n.uri)));
    } catch (err) {
      this.connection.console.error(`analysis failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return;
    }
    await this.publish();
    this.measurements.sync(this.measureJobs(), this.settings.measurement.maxMillis);
    this.refreshLenses();
    this.idleCollection.analysed();
  }

  /** A notebook's report goes to its cells; cells deleted since the last analysis are cleared. */
  private analyzeCells(notebook: OpenNotebook, report: FileReport): void {
    const cells = cellReports(report, notebook);
    const now = new Set(cells.map((c) => c.uri));
    for (const gone of this.notebookCells.get(notebook.uri) ?? []) if (!now.has(gone)) this.unpublish(gone);
    this.notebookCells.set(notebook.uri, [...now]);
    for (const cell of cells) this.analyzed.set(cell.uri, { version: cell.version, report: cell.report });
  }

  /**
   * Sends the diagnostics of each document whose diagnostics or version changed since they were last
   * sent (none while annotations are off): with 100 files open, a keystroke republishes the edited
   * document and those whose findings it changed, not all 100.
   */
  async publish(): Promise<void> {
    for (const [uri, doc] of this.analyzed) {
      const diagnostics = this.settings.annotations ? toDiagnostics(doc.report) : [];
      const sent = JSON.stringify([doc.version, diagnostics]);
      if (this.published.get(uri) === sent) continue;
      this.published.set(uri, sent);
      await this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    }
  }

  /** Settings changed: everything may read differently. */
  async reconfigure(): Promise<void> {
    await this.loadSettings();
    this.scheduleAnalysis();
  }

  private measureJobs(): MeasureJob[] {
    if (!this.settings.measurement.enabled || !this.settings.annotations) return [];
    return [...this.analyzed.values()].flatMap((d) => d.report.calls.map((c) => measureJob(c, this.settings)));
  }

  refreshLenses(): void {
    if (this.client.codeLensRefresh) void this.connection.sendRequest(CodeLensRefreshRequest.type);
  }
}

/** The job that measures a call on its primary path, with unknown shapes from the profile. */
export function measureJob(call: CallReport, settings: ServerSettings): MeasureJob {
  const facts = call.modes[primaryMode(call)].facts;
  const s = resolveShape(facts.shape, settings.shapeProfile);
  return {
    shape: { batch: s.batch.value, heads: s.heads.value, kvHeads: s.kvHeads.value, seqQ: s.seqQ.value, seqKv: s.seqKv.value, headDim: s.headDim.value },
    // The web runtime measures float32 unless the code establishes a dtype.
    dtype: facts.dtypes.q.known ? facts.dtypes.q.value : 'float32',
    causal: facts.causal.known && facts.causal.value,
    bias: facts.mask.kind.known && facts.mask.kind.value !== 'none',
    providers: settings.providers,
  };
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
