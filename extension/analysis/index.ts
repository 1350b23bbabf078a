/**
 * The analysis' public entry points. Pure with respect to the file system: callers pass source
 * text in; the CLI and the language server do the reading.
 *
 * - `analyzeFiles(files, settings)`: one-shot analysis of a set of files together (callers in one
 *   file inform calls in another), one `FileReport` per file in the order given.
 * - `AnalysisSession`: the incremental form for the language server.
 *   `const s = await AnalysisSession.create(settings)`; `s.update(path, text)` opens or edits a
 *   file (re-parsed incrementally; unchanged top-level statements are not rebuilt); `s.close(path)`;
 *   `s.report(path)` gives that file's `FileReport` (the workspace is re-interpreted at most once
 *   per change, whichever file is asked for); `s.settings = …` changes the assumptions;
 *   `s.dispose()` frees the parse trees. `s.openAll(files)` opens many files at once, large ones
 *   parsed in pieces on worker threads. Messages name files by the labels of the files open when a
 *   report is read (file-labels.ts: `models/attention.py:12` beside `layers/attention.py`).
 */
import { environmentOf, fileReport, rawCallReport } from './reporting/build-report';
import { fileLabels, type FileLabels } from './syntax/file-labels';
import { PlacedReport } from './reporting/relocate';
import type { PoolOptions } from './syntax/parse-pool';
import type { Environment } from '../../runtime/dispatch/facts';
import type { CallSite } from './call-facts/call-sites';
import type { AnalysisSettings, CallReport, FileReport } from './report';
import { Workspace } from './session/workspace';

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** Incremental analysis of an open set of files (see the module comment). */
export class AnalysisSession {
  private readonly cache = new Map<string, FileReport>();
  /**
   * Reports of call sites under the current settings. The workspace keeps a site object while its
   * observations are unchanged, so after an edit only the sites it touched are decided again.
   */
  private callReports = new WeakMap<CallSite, PlacedReport<CallReport>>();
  private environment: Environment;
  /** How messages name the open files (file-labels.ts): computed when a report is read after a file opened or closed. */
  private labels: FileLabels | undefined;

  private constructor(private readonly workspace: Workspace) {
    this.environment = environmentOf(workspace.settings);
  }

  /** `editable: false` for a session whose files are read once and never edited (no whole-file parses in idle time for edits). */
  static async create(settings: AnalysisSettings, { editable = true }: { readonly editable?: boolean } = {}): Promise<AnalysisSession> {
    return new AnalysisSession(await Workspace.create(settings, editable));
  }

  get settings(): AnalysisSettings {
    return this.workspace.settings;
  }

  set settings(value: AnalysisSettings) {
    this.workspace.settings = value;
    this.environment = environmentOf(value);
    this.callReports = new WeakMap();
    this.cache.clear();
  }

  update(path: string, text: string): void {
    if (this.labels && !this.workspace.paths().includes(path)) this.labels = undefined;
    this.workspace.update(path, text);
    this.cache.clear();
  }

  /** Open several files at once; large ones are parsed on worker threads (`parse-pool.ts`). */
  async openAll(files: readonly SourceFile[], options?: PoolOptions): Promise<void> {
    await this.workspace.openAll(files, options);
    this.labels = undefined;
    this.cache.clear();
  }

  /**
   * Resolves once the files `openAll` parsed in pieces have their trees, parsed in idle time: their
   * first edit is then re-parsed incrementally (an edit before that finishes the parse first).
   */
  parsed(): Promise<void> {
    return this.workspace.parsed();
  }

  close(path: string): void {
    this.workspace.close(path);
    this.labels = undefined;
    this.cache.clear();
  }

  /** The report of one open file; an empty report for a path that is not open. */
  report(path: string): FileReport {
    const cached = this.cache.get(path);
    if (cached) return cached;
    const labels = this.labels ??= fileLabels(this.workspace.paths());
    const sites = this.workspace.callSites();
    const report = fileReport(path, this.workspace.parseErrors(path), sites, (site) => this.callReportOf(site, labels).current(labels), this.workspace.internalErrors());
    this.cache.set(path, report);
    return report;
  }

  private callReportOf(site: CallSite, labels: FileLabels): PlacedReport<CallReport> {
    let report = this.callReports.get(site);
    if (!report) {
      report = new PlacedReport(rawCallReport(site, this.environment), labels);
      this.callReports.set(site, report);
    }
    return report;
  }

  dispose(): void {
    this.workspace.dispose();
    this.cache.clear();
  }
}

/** Analyse a set of files together (callers in one file inform calls in another). */
export async function analyzeFiles(files: readonly SourceFile[], settings: AnalysisSettings, options?: PoolOptions): Promise<FileReport[]> {
  const session = await AnalysisSession.create(settings, { editable: false });
  try {
    await session.openAll(files, options);
    return files.map((f) => session.report(f.path));
  } finally {
    session.dispose();
  }
}
