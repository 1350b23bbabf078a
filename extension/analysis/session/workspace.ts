/**
 * A workspace of Python files kept parsed between edits: the state behind the language server and
 * `analyzeFiles()`. Trees are re-parsed incrementally (`tree.edit` + `parser.parse(text, oldTree)`),
 * and each top-level statement's syntax mirror is reused while its text is unchanged, so an edit
 * costs a re-parse of the edited region, a rebuild of the edited statements and one interpretation
 * of the (already mirrored) workspace.
 */
import type { Parser, Tree } from 'web-tree-sitter';
import { pythonParser } from '../syntax/parser';
import { textEdit } from '../syntax/text-edit';
import { parseInPieces, type PendingPiece, type PoolOptions } from '../syntax/parse-pool';
import { BackgroundParses } from '../syntax/background-parse';
import { indexModule, type ModuleInfo } from '../workspace-index/module-index';
import { decodeStatement, encodeStatement, FlatWriter, forEachStatement, nextStatement, nodeKinds, textOf, type NodeKinds, type StatementHead, type Unit } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import { Interpreter, type KeptRun } from '../interpreter/interpret';
import { nothingKept } from '../interpreter/invocation-cache';
import { GlobalNameTokens } from '../interpreter/global-names';
import { KeptValidity } from '../interpreter/kept-validity';
import { WritesCell } from '../workspace-index/attribute-presence';
import { callSites, type CallSite, type SiteCache } from '../call-facts/call-sites';
import type { AnalysisSettings, ParseError } from '../report';
import { errorText, type InternalError } from '../values/internal-errors';
import type { SourceFile } from '../index';
import { LiveUnits } from './live-units';
import { grammarGap } from '../syntax/grammar-gaps';

interface OpenFile {
  readonly text: string;
  /** Null for a file parsed in pieces by workers (`parse-pool.ts`) until its background parse ends (`background-parse.ts`). */
  readonly tree: Tree | null;
  readonly units: readonly Unit[];
  readonly module: ModuleInfo;
  readonly parseErrors: readonly ParseError[];
  /** Set when reading the file failed inside the analysis: it is open with no statements. */
  readonly failure?: InternalError;
}

/** Mirrors of earlier statements by text, for reuse by statements whose text is unchanged. */
type Reusable = Map<string, Unit[]>;

function reusable(previous: readonly Unit[]): Reusable {
  const byText: Reusable = new Map();
  for (const u of previous) { const list = byText.get(u.text); if (list) list.push(u); else byText.set(u.text, [u]); }
  return byText;
}

/** An earlier mirror of the statement at `head`, moved to its row; undefined when it must be rebuilt. */
function reuse(head: StatementHead, text: string, previous: Reusable): Unit | undefined {
  // Error recovery depends on context: the same text can parse differently elsewhere, so a
  // statement with a syntax error, then or now, is always rebuilt. One that starts mid-line
  // (recovery again) is reused only at the same column.
  const same = head.hasError ? undefined : previous.get(text.slice(head.start, head.end));
  const index = same ? same.findIndex((u) => u.baseCol === head.column && u.errors.length === 0) : -1;
  if (index < 0) return undefined;
  const old = same!.splice(index, 1)[0]!;
  old.baseRow = head.row;
  return old;
}

/** Mirror each top-level statement, reusing the mirrors of statements whose text is unchanged. */
function buildUnits(tree: Tree, text: string, previous: readonly Unit[], kinds: NodeKinds): Unit[] {
  const byText = reusable(previous);
  const units: Unit[] = [];
  const scratch = new FlatWriter();
  forEachStatement(tree, kinds, (cursor, head) => {
    const old = reuse(head, text, byText);
    if (old) { units.push(old); return; }
    scratch.length = 0;
    encodeStatement(cursor, head, kinds, scratch);
    units.push(decodeStatement(scratch.view(), 0, text, kinds));
  });
  return units;
}

/** Syntax errors reported per file: past these, one line says how many more (a binary file gives hundreds). */
const MAX_PARSE_ERRORS = 20;

function parseErrors(units: readonly Unit[]): ParseError[] {
  const all = units.flatMap((u) => u.errors.map((n): ParseError => {
    const line = textOf(n).split('\n')[0];
    const gap = n.type === 'ERROR' ? grammarGap(line) : undefined;
    if (gap) return { span: spanOf(n), message: `${gap}: \`${line.slice(0, 40)}\` is not analysed`, limit: true };
    return { span: spanOf(n), message: n.type === 'ERROR' ? `syntax error: unexpected \`${line.slice(0, 40)}\`` : `syntax error: missing \`${n.type}\`` };
  }));
  const errors = all.filter((e) => !e.limit);
  if (errors.length <= MAX_PARSE_ERRORS) return all;
  const kept = new Set(errors.slice(0, MAX_PARSE_ERRORS));
  const more = errors.length - MAX_PARSE_ERRORS;
  const last = errors[MAX_PARSE_ERRORS]!;
  return [...all.filter((e) => e.limit || kept.has(e)), { span: last.span, message: `${more} more syntax errors from here on, not listed: is this Python source?` }];
}

/** What a module's names resolve to, and a token that is replaced when that changes. */
interface GlobalsToken {
  /** The function and class names the file defines, and what its imports bind. */
  readonly names: string;
  readonly token: object;
}

/** One report per failure: a function that fails fails the same way on each path that runs it. */
function distinct(errors: readonly InternalError[]): InternalError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}|${e.node?.unit.id}:${e.node?.start}|${e.during}|${e.message}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}

export class Workspace {
  private readonly files = new Map<string, OpenFile>();
  private sites: CallSite[] | null = null;
  /** The last interpretation's internal errors (functions, constructions, call sites that failed). */
  private failures: readonly InternalError[] = [];
  /** What the last interpretation kept (invocations, module top levels, entry points), reused where what they read is unchanged. */
  private kept: KeptRun = nothingKept();
  /** Whether `kept` holds a run's results (none before the first run, or after settings changed). */
  private keptAny = false;
  /** How many invocations were kept after the last pruning (see callSites). */
  private keptAtPruning = 0;
  /** The open files' statements as the last run read them, brought up to date on each run: what is live, and what changed (RunChanges). */
  private readonly liveUnits = new LiveUnits();
  /** The entry points the last interpretation ran rather than reused. */
  private entriesRun: readonly string[] = [];
  private readonly siteCache: SiteCache = new Map();
  /** Per file: the names it defines and imports, and a token that stays while they do. */
  private readonly globals = new Map<string, GlobalsToken>();
  /** Per file and global name, a token that stays while the name's value does (global-names.ts); kept across runs. */
  private readonly names = new GlobalNameTokens();
  /** Which kept effects are still valid (kept-validity.ts). */
  private validity = new KeptValidity();
  /** Per file: the attribute names its statements may set (what `getattr(obj, 'name', default)` asks), with a token that stays while they do. */
  private readonly attributeWrites = new Map<string, WritesCell>();

  private readonly kinds: NodeKinds;
  /** Every file's defined names, as of the last interpretation. */
  private namesSignature = '';

  /** Whole-file parses of the files opened in pieces, so their first edit is incremental too. */
  private readonly background: BackgroundParses;

  /** `editable`: files may be edited later; false where they are read once (`check`: no whole-file parses for edits that never come). */
  private constructor(private readonly parser: Parser, private settingsValue: AnalysisSettings, private readonly editable: boolean) {
    this.kinds = nodeKinds(parser.language!);
    this.background = new BackgroundParses(parser, (path, text, tree) => this.adoptTree(path, text, tree));
  }

  /** Create a workspace (loads the parser on first use). */
  static async create(settings: AnalysisSettings, editable = true): Promise<Workspace> {
    return new Workspace(await pythonParser(), settings, editable);
  }

  get settings(): AnalysisSettings {
    return this.settingsValue;
  }

  set settings(value: AnalysisSettings) {
    this.settingsValue = value;
    this.sites = null;
    this.kept = nothingKept();
    this.keptAny = false;
    this.keptAtPruning = 0;
    this.names.clear();
    this.validity = new KeptValidity();
    this.siteCache.clear();
  }

  /**
   * Open a file, or replace its text (re-parsed incrementally against the previous tree). A failure
   * inside the analysis leaves the file open without statements, its error reported in it.
   */
  update(path: string, text: string): void {
    const old = this.files.get(path);
    if (old?.text === text) return;
    try {
      this.reparse(path, text, old);
    } catch (err) {
      this.installFailed(path, text, err);
    }
  }

  private reparse(path: string, text: string, old: OpenFile | undefined): void {
    // A file opened in pieces whose background parse has not ended finishes it now (what is left of it).
    const oldTree = old && (old.tree ?? this.background.finish(path, old.text));
    let tree: Tree | null;
    if (oldTree) {
      oldTree.edit(textEdit(old.text, text)!);
      tree = this.parser.parse(text, oldTree);
      oldTree.delete();
    } else {
      tree = this.parser.parse(text);
    }
    if (!tree) throw new Error(`could not parse ${path}`);
    try {
      this.install(path, text, tree, buildUnits(tree, text, old?.units ?? [], this.kinds));
    } catch (err) {
      tree.delete();
      throw err;
    }
  }

  private installFailed(path: string, text: string, err: unknown): void {
    const old = this.files.get(path);
    old?.tree?.delete();
    this.background.cancel(path);
    const failure: InternalError = { path, node: null, during: 'reading the file', message: errorText(err) };
    this.files.set(path, { text, tree: null, units: [], module: indexModule(path, []), parseErrors: [], failure });
    this.refreshGlobalsToken(path, this.files.get(path)!.module);
    this.attributeWrites.set(path, new WritesCell([], this.attributeWrites.get(path)));
    this.sites = null;
  }

  /**
   * Open files not open yet; large ones are parsed in pieces on worker threads (`parse-pool.ts`),
   * the others as `update` does.
   */
  async openAll(files: readonly SourceFile[], options?: PoolOptions): Promise<void> {
    const fresh = files.filter((f) => !this.files.has(f.path));
    const open = files.filter((f) => this.files.has(f.path));
    const parsing = parseInPieces(fresh.map((f) => f.text), options);
    for (const [i, file] of fresh.entries()) {
      const units = await this.decodePieces(file.text, parsing[i]).catch((err: unknown) => { this.installFailed(file.path, file.text, err); return undefined; });
      if (units === undefined) continue;
      try {
        if (units) {
          this.install(file.path, file.text, null, units);
          if (this.editable) this.background.add(file.path, file.text);
        }
        else this.update(file.path, file.text);
      } catch (err) {
        this.installFailed(file.path, file.text, err);
      }
    }
    for (const file of open) this.update(file.path, file.text);
  }

  /** The mirrors of a file's pieces, each decoded as soon as it is parsed (while later pieces still are); null if one failed. */
  private async decodePieces(text: string, pieces: readonly PendingPiece[] | null): Promise<Unit[] | null> {
    if (!pieces) return null;
    const units: Unit[] = [];
    for (const piece of pieces) {
      const words = await piece.words;
      if (!words) return null;
      for (let at = 0; at < words.length; at = nextStatement(words, at)) units.push(decodeStatement(words, at, text, this.kinds, piece.shift));
    }
    return units;
  }

  /** Resolves once every file opened in pieces has its tree (its next edit is then parsed incrementally). */
  parsed(): Promise<void> {
    return this.background.idle();
  }

  /** A background parse ended: the tree is the file's if its text is still the one parsed. */
  private adoptTree(path: string, text: string, tree: Tree): void {
    const file = this.files.get(path);
    if (file && !file.tree && file.text === text) this.files.set(path, { ...file, tree });
    else tree.delete();
  }

  private install(path: string, text: string, tree: Tree | null, units: Unit[]): void {
    const module = indexModule(path, units);
    this.files.set(path, { text, tree, units, module, parseErrors: parseErrors(units) });
    this.refreshGlobalsToken(path, module);
    this.attributeWrites.set(path, new WritesCell(units, this.attributeWrites.get(path)));
    this.sites = null;
  }

  /**
   * The token stays while the file defines and imports the same names: any name a function reads
   * resolves to the same id (which definition an id runs is checked per invocation; what a module's
   * variables hold, per name: global-names.ts).
   */
  private refreshGlobalsToken(path: string, module: ModuleInfo): void {
    // Imports count too: another file's names resolve through them (`from .modulated import Denoiser`), and whether they may fail.
    const imports = [...module.imports].map(([local, qualified]) => `${local}=${qualified}${module.dottedImports.has(local) ? `>${module.dottedImports.get(local)}` : ''}${module.optional.has(local) ? `?${module.optional.get(local)}` : ''}`).sort().join(' ');
    const names = `${[...module.functions.keys()].sort().join(' ')} | ${[...module.classes.keys()].sort().join(' ')} | ${imports}`;
    const prev = this.globals.get(path);
    this.globals.set(path, { names, token: prev?.names === names ? prev.token : {} });
  }

  /** Same as `update`; reads better for a file seen the first time. */
  open(path: string, text: string): void {
    this.update(path, text);
  }

  close(path: string): void {
    const file = this.files.get(path);
    if (!file) return;
    file.tree?.delete();
    this.background.cancel(path);
    this.files.delete(path);
    this.globals.delete(path);
    this.attributeWrites.delete(path);
    this.sites = null;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  parseErrors(path: string): readonly ParseError[] {
    return this.files.get(path)?.parseErrors ?? [];
  }

  /** Every attention call site in the workspace, with its facts per path kind (cached until a change). */
  callSites(): readonly CallSite[] {
    if (!this.sites) {
      this.renewTokensWhenNamesChange();
      const files = [...this.files.values()];
      const writeTokens = [...this.attributeWrites.values()].flatMap((w) => w.known()?.token ?? []);
      const tokens = new Map([...this.globals].map(([path, g]) => [path, g.token]));
      const changed = this.liveUnits.sync(this.files);
      const liveTokens = new Set<object>([...tokens.values(), ...writeTokens]);
      const live = (unit: object): boolean => this.liveUnits.has(unit) || liveTokens.has(unit);
      const changes = this.keptAny ? changed : undefined;
      const interpreter = new Interpreter(this.settingsValue, files.map((f) => f.module), this.kept, live, tokens, this.attributeWrites, this.names, changes, this.validity);
      interpreter.run();
      this.kept = { invocations: this.kept.invocations, topLevels: interpreter.topLevels, entries: interpreter.entries, noCallers: interpreter.noCallers };
      this.keptAny = true;
      const kept = this.kept;
      // Invocations no run reached since stay kept (one valid is reused as well as a new one) until
      // there are twice as many as after the last pruning: then those this run did not reach go.
      if (kept.invocations.size > 2 * this.keptAtPruning + 10_000) {
        for (const [key, invocation] of kept.invocations) if (!interpreter.applied(invocation.effects)) kept.invocations.delete(key);
        this.keptAtPruning = kept.invocations.size;
      }
      // Indexed for the next run's reuse: a workspace read once has none (an index never built answers
      // nothing, and a later run would check what it reuses by walking it).
      if (this.editable) this.validity.add(interpreter.made, () => [...kept.invocations.values(), ...kept.topLevels.values(), ...kept.entries.values()].map((k) => k.effects));
      this.entriesRun = interpreter.entriesRun;
      const siteFailures: InternalError[] = [];
      this.sites = callSites(interpreter.observations, this.siteCache, interpreter.unresolvedModuleCalls, siteFailures);
      this.failures = distinct([...files.flatMap((f) => f.failure ?? []), ...interpreter.internalErrors, ...siteFailures]);
    }
    return this.sites;
  }

  /** The entry points (qualified names) the last interpretation ran rather than reused from the one before: what the last change cost. */
  lastEntriesRun(): readonly string[] {
    this.callSites();
    return this.entriesRun;
  }

  /** What failed inside the analysis in the last interpretation (`callSites` runs it). */
  internalErrors(): readonly InternalError[] {
    this.callSites();
    return this.failures;
  }

  /**
   * Imports resolve names across files (`from model import Net`), so when any file's defined names
   * change, or a file opens or closes, every module's token is renewed; so are the attribute-write
   * tokens, since an opened file's statements may set any name.
   */
  private renewTokensWhenNamesChange(): void {
    const signature = [...this.globals].map(([path, g]) => `${path}: ${g.names}`).sort().join('\n');
    if (signature === this.namesSignature) return;
    this.namesSignature = signature;
    for (const [path, g] of this.globals) this.globals.set(path, { ...g, token: {} });
    this.names.clear();
    for (const [path, w] of this.attributeWrites) this.attributeWrites.set(path, w.renewed());
  }

  /** Release the trees. */
  dispose(): void {
    for (const path of this.paths()) this.close(path);
    this.background.dispose();
  }
}
