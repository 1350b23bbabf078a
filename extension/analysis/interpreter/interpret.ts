/**
 * The workspace interpreter: runs each function abstractly, path by path, from the functions nobody
 * calls (entry points) down through the calls it can resolve (`self.attn(…)`, module lists, blocks
 * in loops, imported classes), carrying the caller's mode, autocast region and argument values.
 * Statements run in statements.ts (paths split on undetermined conditions, dead branches walked);
 * this module resolves what they call, builds instances, binds arguments and runs module top levels.
 * Invocations are memoised, and kept with their effects for the next run (invocation-cache.ts), as
 * are module top levels and whole entry points: an edit re-runs what reads the edited statements.
 */
import type { Dtype, Fact, Mode, SdpaSwitches } from '../../../runtime/dispatch/facts';
import { fileLine, type CallArg, type CallArgs } from '../values/engine';
import { contextOfDecorator, enterContext, generatorContext, isGeneratorContext } from './contexts';
import { customForward, type Decorated } from './custom-fwd';
import { compilingDecorator } from './torch-compile';
import { calledNames, isCalled } from '../workspace-index/entry-points';
import { callValue, evaluate, evaluateArgs } from './evaluate';
import { modeClue } from '../workspace-index/modes';
import { castAttribute, nnConstructor, parameterDtype } from '../torch/nn-modules';
import { unlessChangedElsewhere } from '../torch/manual-attention';
import { afterCall, importTimeSwitches } from './sdpa-switches';
import { afterReturn, callLeft, type CallLeft } from './call-left';
import { ModuleResolver } from './import-resolution';
import { importBindings, moduleLevel, type ClassInfo, type FunctionInfo, type ModuleInfo, type Param } from '../workspace-index/module-index';
import type { AnalysisSettings } from '../report';
import { type Ctx, type Frame, type Guard, type Observation, type PathState, type YieldPoint } from '../values/state';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { argumentDimVariables, bindUnknown, factKey, join, known, returnedFrom, tensor, UNKNOWN, valueKey, type Value } from '../values/values';
import { isParallelWrapper } from '../torch/wrappers';
import { callsAssignedByMethods, calledOnSelf, rebinders } from '../workspace-index/rebinders';
import { throughOpaqueCall } from '../torch/manual-attention';
import { closureDefault, closureFunction, functionOfClosure, isClosure } from './closures';
import { maySetAttribute, moduleMayHave, moduleWrites, type WritesCell } from '../workspace-index/attribute-presence';
import { execBlock, type Executor } from './statements';
import { RunRecord } from './run-record';
import { classIdOf, entryKey } from './entry-keys';
import { argValues, keepable, newEffects, reusedWith, unpackedKey, type Construction, type Effects, type KeptEntry, type KeptNoCaller, type KeptRun, type KeptTopLevel, nothingKept, type RunChanges, type Outcome } from './invocation-cache';
import { errorText, type InternalError } from '../values/internal-errors';
import { depthExceeded, MAX_CALL_DEPTH, MAX_STEPS_PER_ENTRY, stepsExceeded } from './budget';
import { Variants, variantOwner } from './widening';
import { assumedInput } from './assumed-inputs';
import { CallersIndex, passedDefaults } from '../workspace-index/passed-arguments';
import { GlobalNameTokens, IMPORT_SWITCHES } from './global-names';
import { KeptValidity } from './kept-validity';
import { moduleShape } from './module-shape';
import { ConfigBuilt } from '../workspace-index/config-built';
import { parameterDomains } from '../workspace-index/parameter-domains';
import { noCallerArgs } from './no-caller-args';
import { AUTOCAST_CASES, OPEN_AUTOCAST, underOpenAutocast, withoutSuperseded } from './autocast-cases';
import { ForkMap } from '../values/fork-map';

// workspace.ts keeps the cache between runs and hands it to the Interpreter.
export type { KeptRun } from './invocation-cache';


/** `@property`, `@functools.cached_property`: the method runs when the attribute is read. */
function isPropertyDecorator(decorator: string): boolean {
  return /^(functools\.)?(cached_)?property$/.test(decorator);
}

/** What a module a method builds gets for its sizes: it computes them from weights at run time (`torch.cat([…]).shape`). */
const SIZES_OPEN: CallArgs = { positional: [], keywords: new Map(), morePositional: UNKNOWN('the sizes a method computes'), moreKeywords: UNKNOWN('the sizes a method computes') };

export class Interpreter implements Executor {
  /** What the run has seen, and the effects of the invocations under way; effects reused from the last run seed this run's memo and instances. */
  private readonly record = new RunRecord((effects) => this.seed(effects));
  /** Which workspace module each import names (`import-resolution.ts`). */
  private readonly resolver: ModuleResolver;
  private readonly byPath = new Map<string, ModuleInfo>();
  /** Each with the key its lookups are recorded under (`fn:<id>`, `class:<id>`), made once: lookups are many, and a new string is hashed anew. */
  private readonly byFunctionId = new Map<string, { fn: FunctionInfo; module: ModuleInfo; resolvedKey: string }>();
  private readonly classById = new Map<string, { cls: ClassInfo; module: ModuleInfo; resolvedKey: string }>();
  /** Invocations this run made or reused by key, with their effects (`memoized` also finds the kept ones reused inside others). */
  private readonly memo = new Map<string, Outcome & { readonly effects: Effects }>();
  /** The inputs each function and class was analysed with in this run, and the widened one past the bound (widening.ts). */
  private readonly variants = new Variants();
  /** Whether the statements a kept effects object read (and those of everything inside it) are unchanged, per object. */
  private readonly validity = new Map<Effects, boolean>();
  /** Instances built in this run (or reused from the last), by key. */
  private readonly built = new Map<string, Construction>();
  private readonly globals = new Map<string, Map<string, Value>>();
  /**
   * While a module's top-level code runs as an entry point (a script) and calls something: the
   * module's variables as they are at that call, which its functions read as globals (nanoGPT's
   * `estimate_loss()` reads the `model` built above the loop), and their memo key, part of every
   * invocation's key meanwhile (a callee may read them, directly or through its own callees).
   */
  private live: LiveGlobals | undefined;
  /** The last `live`, reused while no variable changed (liveGlobals). */
  private lastLive: LiveGlobals | undefined;
  /** Per module path, the SDPA switches its top-level statements set at import time (those of the workspace modules it imports included). */
  private readonly moduleSwitches = new Map<string, SdpaSwitches>();
  /** Per module path, the modules whose top level its import-time switches depend on (it imports them, directly or not). */
  private readonly switchesRead = new Map<string, Set<ModuleInfo>>();
  /** Modules whose top level is being run for its globals (an import cycle stops there). */
  private readonly importing = new Set<string>();
  private readonly active = new Set<string>();
  /** Statements run from the current entry point, and what ran out when the budget did (budget.ts). */
  private steps = 0;
  /** The case of an open autocast being run (autocast-cases.ts); undefined outside those runs. */
  private autocastCase: Fact<Dtype | null> | undefined;
  /** Reruns of the entry points whose attention calls ran under an open autocast. */
  private readonly openAutocastRoots: (() => void)[] = [];
  private reported: readonly Observation[] | undefined;
  private exhausted: string | undefined;
  private entry = '';
  private computingGlobals = false;
  /** Globals that functions rebind and attributes that methods other than the constructor set (rebindings.ts). */
  /** Frames of methods that `__init__` calls on self (`self._build()`): their `self.x = …` builds the instance. */
  private readonly helperFrames = new WeakSet<Frame>();
  /** Construction helpers being run, so one that calls itself is evaluated as an ordinary call. */
  private readonly helpersRunning = new Set<string>();
  /** Per class, the arguments of an instance built with no caller (argsOfNoCaller), and their words (noCallerKey). */
  readonly noCallers = new Map<string, KeptNoCaller>();
  /** Which units call each name, for argsOfNoCaller. */
  private readonly callers: CallersIndex;
  /** Which classes a config may build, for argsOfNoCaller. */
  private readonly configBuilt: ConfigBuilt;
  /** The top-level runs of this run, for the next one. */
  readonly topLevels = new Map<string, KeptTopLevel>();
  /** The entry points of this run, for the next one. */
  readonly entries = new Map<string, KeptEntry>();
  /** The effects of what this run made afresh and keeps for the next (invocations, top levels, entry points): what the validity index has not seen. */
  readonly made: Effects[] = [];
  /** The entry points this run ran rather than reused, by qualified name: what an edit cost. */
  readonly entriesRun: string[] = [];
  private readonly entriesSeen = new Set<string>();

  constructor(
    readonly settings: AnalysisSettings,
    private readonly modules: readonly ModuleInfo[],
    /** What the last run kept: invocations, top-level runs, entry points. */
    private readonly kept: KeptRun = nothingKept(),
    /** Whether a statement or token is still there: one of the open files' statements, a module's or attribute index's token now. */
    private readonly isLive: (unit: object) => boolean = () => false,
    /** Per module path, an object that stays the same while its module-level statements do. */
    private readonly globalsTokens: ReadonlyMap<string, object> = new Map(),
    /** Per module path, the attribute names its statements may set, with a token that stays while they do. */
    private readonly attributeWrites: ReadonlyMap<string, WritesCell> = new Map(),
    /** Per module and global name, a token that stays while the name's value does (global-names.ts). */
    private readonly names: GlobalNameTokens = new GlobalNameTokens(),
    /** What changed since the kept run; undefined when not known (nothing kept that depends on it is reused). */
    private readonly changes?: RunChanges,
    /** Which kept effects are still valid, kept across runs (kept-validity.ts). */
    private readonly keptValidity: KeptValidity = new KeptValidity(),
  ) {
    this.resolver = new ModuleResolver(modules);
    this.callers = new CallersIndex(modules);
    this.configBuilt = new ConfigBuilt(modules);
    for (const m of modules) {
      this.byPath.set(m.path, m);
      for (const fn of m.allFunctions) this.byFunctionId.set(fn.id, { fn, module: m, resolvedKey: `fn:${fn.id}` });
      for (const cls of m.classes.values()) this.classById.set(cls.id, { cls, module: m, resolvedKey: `class:${cls.id}` });
    }
  }

  /** What the run saw at attention calls. */
  get observations(): readonly Observation[] {
    return this.reported ??= withoutSuperseded(this.record.observations);
  }

  /** Per path kind, a call of a module of unknown class that an established path makes (it may run any forward). */
  get unresolvedModuleCalls(): ReadonlyMap<Mode, string> {
    return this.record.unresolved;
  }

  /** The places whose analysis failed in this run (each lost its own facts only). */
  get internalErrors(): readonly InternalError[] {
    return this.record.failures;
  }

  /**
   * Run one piece of the analysis; an exception in it costs that piece only: it is recorded against
   * `node` in `path`, what is being recorded is not kept for the next run (it would not replay the
   * error), and `fallback` stands for what the piece would have produced.
   */
  private isolated<T>(path: string, node: SyntaxNode | null, during: string, run: () => T, fallback: (message: string) => T): T {
    try {
      return run();
    } catch (err) {
      const message = errorText(err);
      this.record.failed({ path, node, during, message });
      this.record.uncacheable();
      return fallback(message);
    }
  }

  /** A fresh step budget for an entry point (budget.ts). */
  private startEntry(name: string): void {
    this.steps = 0;
    this.exhausted = undefined;
    this.entry = name;
  }

  step(fr: Frame): boolean {
    if (++this.steps <= MAX_STEPS_PER_ENTRY) return true;
    this.exhausted ??= stepsExceeded(this.entry);
    fr.cut = this.exhausted;
    this.record.uncacheable();
    return false;
  }

  /** Interpret the workspace: module globals, then every entry point, then anything not reached. */
  run(): void {
    this.names.startRun();
    this.computingGlobals = true;
    for (const m of this.modules) {
      this.startEntry(`the top level of ${m.path}`);
      this.isolated(m.path, null, `running the top level of ${m.path} for its globals`, () => this.moduleGlobalsOnce(m), () => undefined);
    }
    this.computingGlobals = false;
    // Every module's names are settled now: what is gone is known.
    this.keptValidity.invalidate((unit) => this.isLive(unit) || this.names.isLive(unit), (key) => this.definitionNow(key), this.changes?.paths);
    // Functions that rebind globals, and methods that set an attribute their class calls, run first,
    // so the functions that call what they bind see it.
    for (const m of this.modules) for (const fn of rebinders(m)) this.runRoot(fn, m);
    const called = calledNames(this.modules);
    const isRoot = (fn: FunctionInfo): boolean => fn.name !== '__init__' && !isCalled(fn, called);
    for (const m of this.modules) for (const fn of m.allFunctions) if (isRoot(fn)) this.runRoot(fn, m);
    this.runDeadCalls();
    this.runUnreached();
    // A closure nobody calls (a backend in a dict no code looks up, a nested `def` its function never
    // calls) runs like a function nobody calls, without what it would capture.
    for (const m of this.modules) runUncalledClosures(m, this.record.invoked, (fn) => this.runRoot(fn, m));
    // A function with attention calls that callers reach on one path kind only is also analysed on
    // the other, on assumption, so that path's facts (dropout, self.training) are its own.
    const entered = this.runModelsForUnresolvedCalls();
    const observed = new Map(this.record.observations.map((o) => [o.fn.id, o.fn]));
    for (const [id, fn] of observed) {
      const missing = (['train', 'infer'] as const).filter((mode) => !this.record.reached(id, mode) && !entered.has(`${id}|${mode}`));
      // A closure is run on its own like a function nobody calls: without what it captured.
      const target = isClosure(fn) ? this.closureTarget(fn) : this.functionById(id);
      if (target && missing.length === 1) this.runRoot(target.fn, target.module, missing, true);
    }
    this.runAutocastCases();
  }

  /**
   * The functions the syntactic index counts as called but no entry point reached (a model only a
   * registry builds, its blocks, their attention): each runs as an entry point. Those of a class that
   * another such class builds run after that class's, so a block's attention is reached through the
   * block with what it passes, not first on its own with inputs and constructor arguments assumed.
   */
  private runUnreached(): void {
    const pending: { fn: FunctionInfo; module: ModuleInfo }[] = [];
    for (const m of this.modules) for (const fn of m.allFunctions) if (fn.name !== '__init__' && !this.record.invoked.has(fn.id)) pending.push({ fn, module: m });
    const builtBy = new Map<string, Set<string>>();
    for (const { fn } of pending) {
      if (!fn.className || !fn.node) continue;
      for (const name of fn.node.unit.called) (builtBy.get(name) ?? builtBy.set(name, new Set()).get(name)!).add(fn.className);
    }
    const inner = ({ fn }: { fn: FunctionInfo }): boolean => fn.className !== null && [...builtBy.get(fn.className) ?? []].some((c) => c !== fn.className);
    for (const later of [false, true]) {
      for (const p of pending) if (inner(p) === later && !this.record.invoked.has(p.fn.id)) this.runRoot(p.fn, p.module);
    }
  }

  /**
   * A module of unknown class called on a path of one kind (`model: DDP`) may be any model that
   * driver code calls elsewhere: run those models' forwards on that kind, on assumption (their own
   * arguments, such as a bias buffer, then reach their calls). Returns `function id|mode` for every
   * function these runs observed attention in.
   */
  private runModelsForUnresolvedCalls(): Set<string> {
    const entered = new Set<string>();
    for (const mode of this.record.unresolved.keys()) {
      for (const id of this.record.modelEntries) {
        const target = this.functionById(id);
        if (!target || this.record.reached(id, mode)) continue;
        const before = this.record.observations.length;
        this.runRoot(target.fn, target.module, [mode]);
        for (const o of this.record.observations.slice(before)) entered.add(`${o.fn.id}|${mode}`);
      }
    }
    return entered;
  }

  /**
   * Run an entry point, or reuse its run of the last run whole (its effects replayed) where nothing it
   * read changed and its calls would find the kept results again (entryReusable): an edit re-runs
   * only the entry points that reach what it changed.
   */
  private runRoot(fn: FunctionInfo, module: ModuleInfo, only?: readonly Mode[], mirror = false): void {
    const open = this.settings.autocast === 'unknown' && this.autocastCase === undefined;
    if (open) this.record.watch(underOpenAutocast);
    this.runEntryPoint(fn, module, only, mirror);
    if (open && this.record.watched()) this.openAutocastRoots.push(() => this.runRoot(fn, module, only, mirror));
  }

  /** The entry points whose attention calls ran under an open autocast, run again under each case of it (autocast-cases.ts). */
  private runAutocastCases(): void {
    for (const autocast of AUTOCAST_CASES) {
      this.autocastCase = autocast;
      for (const rerun of this.openAutocastRoots) rerun();
    }
    this.autocastCase = undefined;
  }

  private runEntryPoint(fn: FunctionInfo, module: ModuleInfo, only: readonly Mode[] | undefined, mirror: boolean): void {
    const key = entryKey(fn, `${only?.join(',') ?? ''}${mirror ? '|mirror' : ''}${this.autocastCase?.known ? `|autocast ${String(this.autocastCase.value)}` : ''}`);
    const sdpa = fn.name === '<module>' ? undefined : this.moduleSwitches.get(module.path);
    const switches = valueKey(sdpa);
    const classId = classIdOf(fn);
    const noCaller = classId ? this.noCallerKey(classId) : '';
    const kept = this.kept.entries.get(key);
    if (kept && kept.switches === switches && kept.noCaller === noCaller && kept.definition === definitionOf(fn)) {
      // A run of it builds its `self` first: built so here, an instance widened past the bound of
      // inputs (widening.ts) is found under the key this run widens it to.
      if (kept.widenedSelf) {
        this.startEntry(`\`${fn.qualName}\``);
        this.isolated(fn.path, fn.node, `analysing \`${fn.qualName}\``, () => { for (const ctx of this.rootContexts(fn, only, mirror, sdpa)) this.selfOfRoot(fn, module, ctx); }, () => undefined);
      }
      if (this.entryReusable(kept.effects)) {
        this.record.replay(kept.effects);
        this.entries.set(key, kept);
        return;
      }
    }
    // Once per entry point, though it runs again under each case of an open autocast.
    if (!this.entriesSeen.has(fn.qualName)) { this.entriesSeen.add(fn.qualName); this.entriesRun.push(fn.qualName); }
    this.startEntry(fn.name === '<module>' ? `the top level of ${fn.path}` : `\`${fn.qualName}\``);
    const effects = newEffects();
    this.record.startEntryPoint(effects);
    try {
      // Which path kinds it starts (modes.ts) reads its statements: a module's all of them.
      for (const stmt of fn.name === '<module>' ? fn.body : []) this.record.touch(stmt.unit);
      this.isolated(fn.path, fn.node, `analysing \`${fn.qualName}\``, () => this.runRootPaths(fn, module, only, mirror, sdpa), () => undefined);
    } finally {
      this.record.endEntryPoint();
    }
    if (!keepable(effects)) return;
    this.made.push(effects);
    const widenedSelf = fn.className !== null && effects.events.some((ev) => 'inner' in ev && !ev.inner.variant && ev.inner.key?.startsWith('new '));
    this.entries.set(key, { effects, switches, noCaller, definition: definitionOf(fn), widenedSelf });
  }

  /**
   * Whether a kept entry point's run is what running it would give: what it read is unchanged, and
   * each call it made itself (the instance for `self`, the function) would find the same kept result,
   * neither one made afresh earlier in this run nor one widened (widening.ts) by this run's inputs.
   */
  private entryReusable(effects: Effects): boolean {
    if (!this.stillValid(effects)) return false;
    for (const ev of effects.events) {
      if (!('inner' in ev)) continue;
      const { key, variant, instanceKey } = ev.inner;
      if (key === null) return false;
      const now = instanceKey !== undefined ? this.built.get(instanceKey) : this.memoized(key);
      if (now && now.effects !== ev.inner) return false;
      // A widened input (no variant) is what this run widens to where this run already reused the same result under its key.
      if (variant ? !this.variants.fits(variant.owner, variant.input) : !now) return false;
    }
    return true;
  }

  /** The words of the arguments of an instance of `classId` built with no caller (part of what a kept entry point's calls' keys are made of). */
  private noCallerKey(classId: string): string {
    return this.noCaller(classId).words;
  }

  private runRootPaths(fn: FunctionInfo, module: ModuleInfo, only: readonly Mode[] | undefined, mirror: boolean, sdpa: SdpaSwitches | undefined): void {
    for (const ctx of this.rootContexts(fn, only, mirror, sdpa)) {
      // The instance a method runs on was built before: what its `__init__` switched holds.
      const self = this.selfOfRoot(fn, module, ctx);
      const built = self && this.switchedBy(self, ctx, `for the \`self\` of ${fn.qualName}`);
      this.invoke(fn, module, self, { positional: [], keywords: new Map(), noCaller: true }, built ?? ctx);
    }
  }

  /** The contexts an entry point runs in: the path kind its clue names, or each kind on assumption. */
  private rootContexts(fn: FunctionInfo, only: readonly Mode[] | undefined, mirror: boolean, sdpa: SdpaSwitches | undefined): Ctx[] {
    const clue = only ? null : modeClue(fn);
    const modes: { mode: Mode; source: string; assumed: boolean }[] = clue ? [{ ...clue, assumed: false }]
      : (only ?? ['train', 'infer'] as const).map((mode) => ({ mode, source: `assumed: no caller of ${fn.qualName} shows the ${mode === 'train' ? 'training' : 'inference'} path`, assumed: true }));
    return modes.map((m) => ({ mode: known(m.mode, m.source), modeAssumed: m.assumed, autocast: this.assumedAutocast(), ...(sdpa ? { sdpa } : {}), ...(mirror ? { mirror } : {}) }));
  }

  /** The instance a method run as an entry point runs on, built with no caller. */
  private selfOfRoot(fn: FunctionInfo, module: ModuleInfo, ctx: Ctx): Value | undefined {
    return fn.className ? this.construct(`${module.path}:${fn.className}`, this.argsOfNoCaller(`${module.path}:${fn.className}`), ctx) : undefined;
  }

  /**
   * The arguments of an instance built with no caller (for a method run as an entry point, for a
   * parameter annotated with its class): each parameter with a default that some call of the class
   * in the files passes, or a config may set, is unknown, not its default (no-caller-args.ts); the
   * others take their defaults.
   */
  private argsOfNoCaller(classId: string): CallArgs {
    return this.noCaller(classId).args;
  }

  private noCaller(classId: string): { readonly args: CallArgs; readonly words: string } {
    const now = this.noCallers.get(classId);
    if (now) return now;
    const init = this.method(classId, '__init__');
    const kept = this.kept.noCallers.get(classId);
    if (kept && kept.init === init && this.noCallerUnchanged(kept, classId)) { this.noCallers.set(classId, kept); return kept; }
    const className = classId.split(':').pop()!;
    const fields = this.dataclassInit(classId);
    const params = fields ?? (init ? init.params.slice(init.decorators.includes('staticmethod') ? 0 : 1) : []);
    const cls = this.classOf(classId)?.cls;
    // The class whose body defines `__init__` (a base's, where it inherits it) lists the values it allows.
    const owner = init?.className ? this.classOf(`${init.path}:${init.className}`) : undefined;
    const args = noCallerArgs({
      className, params,
      passed: passedDefaults(this.callers, className, params),
      configBuilder: cls && this.configBuilt.builder(cls),
      domains: init && owner && !fields ? parameterDomains(init, owner.cls, owner.module) : new Map(),
    });
    const known: KeptNoCaller = { ...args, init, paths: [classId.slice(0, classId.lastIndexOf(':')), ...init ? [init.path] : []], factory: this.configBuilt.factoryWhere() };
    this.noCallers.set(classId, known);
    return known;
  }

  /**
   * Whether the last run's no-caller arguments of a class hold: the files of the class and of its
   * `__init__` are unchanged, no statement added or removed names the class, and the workspace builds
   * classes by name where it did.
   */
  private noCallerUnchanged(kept: KeptNoCaller, classId: string): boolean {
    if (!this.changes) return false;
    const name = classId.slice(classId.lastIndexOf(':') + 1);
    return kept.paths.every((p) => !this.changes!.paths.has(p)) && !this.changes.texts.some((t) => t.includes(name))
      && kept.factory === this.configBuilt.factoryWhere();
  }

  private assumedAutocast(): Fact<Dtype | null> {
    const a = this.settings.autocast;
    if (a === 'off') return known(null, 'autocast off (setting)');
    if (a === 'unknown') return this.autocastCase ?? OPEN_AUTOCAST;
    return known(a, `autocast ${a} (setting)`);
  }

  // ---- Engine hooks ---------------------------------------------------------------------------

  global(name: string, fr: Frame): Value | undefined {
    const m = fr.module;
    const qualified = m.imports.get(name);
    if (qualified !== undefined && m.optional.has(name)) return { t: 'ref', name: qualified, optional: m.optional.get(name) };
    const live = this.live?.path === m.path ? this.live.env : undefined;
    // A module's top-level code, run as an entry point, is the script being run.
    if (name === '__name__' && (live || (fr.fn.name === '<module>' && !this.computingGlobals))) return { t: 'str', value: '__main__' };
    if (!live) this.touchName(m.path, name);
    const g = this.record.rebindings.read(m.path, name, live?.get(name) ?? this.globals.get(m.path)?.get(name), (unit) => this.record.touch(unit));
    if (g) return g;
    if (qualified !== undefined) return this.resolver.value(m, qualified, m.dottedImports.get(name));
    const cls = m.classes.get(name);
    if (cls) return { t: 'class', id: cls.id };
    const fn = m.functions.get(name);
    if (fn) return { t: 'fn', id: fn.id };
    return undefined;
  }

  rebindGlobal(name: string, v: Value, fr: Frame): void {
    // A side effect outside the invocation's result: recorded, so that a reuse of the invocation binds again.
    this.record.rebind({ scope: fr.module.path, name, value: v, unit: fr.fn.node?.unit });
  }

  rebindAttribute(name: string, v: Value, fr: Frame): void {
    // What the constructor and its helpers set is the instance's own (constructions keep it); only
    // what the class calls is kept (any other attribute would make every method that sets one uncacheable).
    if (fr.self?.t !== 'instance' || fr.fn.name === '__init__' || this.helperFrames.has(fr)) return;
    const defining = fr.fn.className === null ? undefined : this.classOf(`${fr.fn.path}:${fr.fn.className}`);
    if (!defining || !calledOnSelf(defining.cls).has(name)) return;
    this.record.rebind({ scope: fr.self.cls, name, value: v, unit: fr.fn.node?.unit });
  }

  attribute(obj: Value, name: string, st: PathState): Value | undefined {
    // A workspace module (`blocks.Block` after `import models.blocks as blocks`).
    if (obj.t === 'ref') return this.resolver.member(obj.name, name) ?? this.moduleVariable({ t: 'ref', name: `${obj.name}.${name}` });
    if (obj.t === 'instance') {
      const cls = this.classOf(obj.cls);
      if (cls) this.record.touch(cls.cls.unit);
      const construction = this.built.get(obj.key);
      if (construction) this.record.depend(construction.effects);
      const attr = this.record.rebindings.read(obj.cls, name, construction?.attrs.get(name), (unit) => this.record.touch(unit));
      if (attr) return obj.cast ? castAttribute(attr, obj.cast) : attr;
      const method = this.method(obj.cls, name);
      if (method) return { t: 'fn', id: method.id, self: obj, ...(method.decorators.some(isPropertyDecorator) ? { getter: true as const } : {}) };
      // The parameters torch's constructor made (`self.conv1.weight` of `class Conv1d(nn.Conv1d)`).
      const kind = PARAMETERS.has(name) ? this.torchModuleBase(obj.cls) : undefined;
      return kind ? moduleParameter(`\`${kind}\``, obj.cast) : undefined;
    }
    if (obj.t === 'torchmod') return PARAMETERS.has(name) ? moduleParameter(obj.origin, obj.cast) : obj.args[name];
    if (obj.t === 'class') {
      if (name === 'apply') { const apply = this.autogradApply(obj.id); if (apply) return apply; }
      const method = this.method(obj.id, name);
      return method ? { t: 'fn', id: method.id } : undefined;
    }
    void st;
    return undefined;
  }

  moduleSetByMethod(obj: Value, name: string): Value | undefined {
    return obj.t === 'instance' ? this.moduleAssignedIn(obj.cls, name) : undefined;
  }

  /** The torch module the methods of a class, or of the workspace classes it derives from, assign to `self.name`. */
  private moduleAssignedIn(classId: string, name: string, seen = 0): Value | undefined {
    const entry = this.classOf(classId);
    if (!entry || seen > 8) return undefined;
    const frame = moduleFrame(entry.module);
    const calls = callsAssignedByMethods(entry.cls).get(name) ?? [];
    if (calls.length === 0) {
      for (const base of this.workspaceBases(entry)) { const found = this.moduleAssignedIn(base, name, seen + 1); if (found) return found; }
      return undefined;
    }
    const kinds = calls.map((call) => {
      const callee = this.annotationValue(textOf(field(call, 'function')!), frame);
      return callee?.t === 'ref' && callee.name.startsWith('torch.nn.') && /^[A-Z]/.test(callee.name.split('.').pop()!) ? callee.name.split('.').pop()! : undefined;
    });
    // Every call it assigns builds one kind of module; anything else leaves the attribute open.
    const [kind] = kinds;
    return kind && kinds.every((k) => k === kind) ? nnConstructor(kind, SIZES_OPEN, frame, calls[0]!) : undefined;
  }

  /** What each base a class names resolves to, in the order it names them (`Block`, `nn.Conv3d`, `layers.Base`). */
  private resolvedBases(entry: { cls: ClassInfo; module: ModuleInfo }): Value[] {
    return entry.cls.bases.flatMap((base) => this.annotationValue(base, moduleFrame(entry.module)) ?? []);
  }

  /** The workspace classes a class derives from, in the order it names them. */
  private workspaceBases(entry: { cls: ClassInfo; module: ModuleInfo }): string[] {
    return this.resolvedBases(entry).flatMap((base) => (base.t === 'class' ? [base.id] : []));
  }

  absentAttribute(obj: Value, name: string, st: PathState): string | undefined {
    if (obj.t !== 'instance' || moduleMayHave(name) || this.attribute(obj, name, st) !== undefined || !this.knownClassChain(obj.cls)) return undefined;
    // Any statement of the workspace may set it later (`model.flag = True` in a trainer, a method
    // `__init__` does not call). The answer depends on which names each module sets, not on its
    // statements: an edit that sets no new name keeps it (a module without a kept index gets a
    // fresh token, so the answer is not reused).
    for (const m of this.modules) {
      const writes = this.attributeWrites.get(m.path)?.get() ?? moduleWrites(m.units);
      this.record.touch(writes.token);
      if (maySetAttribute(writes, name)) return undefined;
    }
    return `no code in the files sets \`${name}\` and ${obj.cls.split(':').pop()} defines none`;
  }

  /** Whether every class from `classId` up is a workspace class, ending at nn.Module or `object`. */
  private knownClassChain(classId: string, depth = 0): boolean {
    const entry = this.classOf(classId);
    if (!entry || depth > 8) return false;
    return entry.cls.bases.every((base) => {
      const resolved = this.annotationValue(base, moduleFrame(entry.module));
      if (resolved?.t === 'class') return this.knownClassChain(resolved.id, depth + 1);
      return base === 'object' || (resolved?.t === 'ref' && isNnModule(resolved.name));
    });
  }

  unresolvedModuleCall(st: PathState, fr: Frame, what: string): void {
    if (this.computingGlobals || st.ctx.modeAssumed || st.dead || this.isModuleCode(fr.fn)) return;
    // A constructor (or a helper it calls on self) builds a model; it does not run one (`self.mixer = make_model(width)`).
    if (fr.fn.name === '__init__' || this.helperFrames.has(fr)) return;
    this.record.unresolvedCall(st.ctx.mode.value, what);
  }

  /** Code of a module: a method of a class that has a forward (a training loop's class has none). */
  private isModuleCode(fn: FunctionInfo): boolean {
    return fn.className !== null && this.method(`${fn.path}:${fn.className}`, 'forward') !== undefined;
  }

  observe(obs: Observation): void {
    // Module globals are computed once without calls; module statements are interpreted again as an entry point.
    if (this.computingGlobals) return;
    this.record.observe(obs);
  }

  callWorkspace(callee: Value, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined {
    if (this.computingGlobals) return undefined;
    if (st.dead) return this.deadCall(callee, args, st, st.dead, node);
    if (fr.fn.name !== '<module>') return this.callResolved(callee, args, st, fr, node);
    // A call from a script's top-level code: the callee sees the module's variables as they are now.
    const before = this.live;
    this.live = this.liveGlobals(fr.module.path, st.env);
    try {
      return this.callResolved(callee, args, st, fr, node);
    } finally {
      this.live = before;
    }
  }

  /**
   * A module's variables as a top-level call sees them, with their memo keys: the last call's where
   * no variable changed since (the calls of one statement, a table of `_cfg(…)` entries), as keying
   * every variable at every call costs the square of a long module's statements.
   */
  private liveGlobals(path: string, env: ReadonlyMap<string, Value>): LiveGlobals {
    const last = this.lastLive;
    if (last?.path === path && sameBindings(last.env, env)) return last;
    const copy = new Map(env);
    return this.lastLive = { path, env: copy, key: `|globals of ${path} ${factKey([...copy])}`, exact: `|globals ${valueKey([...copy])}` };
  }

  private callResolved(callee: Value, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined {
    if (callee.t === 'fn') {
      const target = this.functionById(callee.id);
      if (!target) return undefined;
      return this.constructionHelper(target, callee.self, args, st, fr, node)
        ?? this.called(target.fn, this.invoke(target.fn, target.module, callee.self, args, st.ctx, fr), st, fr, node);
    }
    // A closure runs as a function of its own, what it captured in the place of `self` (part of the memo key).
    if (callee.t === 'closure') {
      const target = this.closureTarget(functionOfClosure(callee));
      return target && this.called(target.fn, this.invoke(target.fn, target.module, callee, args, st.ctx, fr), st, fr, node);
    }
    if (callee.t === 'class') {
      const instance = this.construct(callee.id, args, st.ctx);
      st.ctx = this.switchedBy(instance, st.ctx, `called at ${fileLine(fr, node)}`) ?? st.ctx;
      return instance;
    }
    if (callee.t === 'instance') {
      const target = this.forwardOf(callee.cls);
      if (target && !st.ctx.modeAssumed && !st.dead && !this.isModuleCode(fr.fn)) this.record.entry(target.fn.id);
      return target ? this.called(target.fn, this.invoke(target.fn, target.module, callee, args, st.ctx, fr), st, fr, node) : this.torchBaseCall(callee, args, st, fr, node);
    }
    return undefined;
  }

  /**
   * An instance of a workspace class that derives a torch.nn module and writes no `forward`: torch's
   * forward runs, of sizes not read here. A convolution whose class overrides `_conv_forward`
   * (Whisper's `Conv1d` casting its weight to the input's dtype) runs the override with the module's
   * weight and bias, as torch's forward calls it.
   */
  private torchBaseCall(instance: Value & { t: 'instance' }, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined {
    const kind = this.torchModuleBase(instance.cls);
    if (!kind) return undefined;
    const override = CONVOLUTIONS.has(kind) ? this.method(instance.cls, '_conv_forward') : undefined;
    const target = override && this.functionById(override.id);
    if (!target) return callValue(nnConstructor(kind, SIZES_OPEN, fr, node), args, st, fr, node, this);
    // The weight and the bias: parameters alike, as far as dtypes go.
    const parameter: CallArg = { node, value: moduleParameter(`\`${kind}\``, instance.cast) };
    const convArgs: CallArgs = { ...args, positional: [...args.positional.slice(0, 1), parameter, parameter] };
    return this.called(target.fn, this.invoke(target.fn, target.module, instance, convArgs, st.ctx, fr), st, fr, node);
  }

  /**
   * A call on a path the facts rule out: nothing runs (its result is unknown), and a workspace function
   * it would run is noted for runDeadCalls. Undefined when the callee is no workspace function.
   */
  private deadCall(callee: Value, args: CallArgs, st: PathState, guard: Guard, node: SyntaxNode): Value | undefined {
    if (callee.t !== 'fn' && callee.t !== 'closure' && callee.t !== 'instance' && callee.t !== 'class') return undefined;
    if (callee.t !== 'class') this.record.deadCall({ callee, args, ctx: st.ctx, guard });
    return throughOpaqueCall(args) ?? UNKNOWN(`the result of \`${textOf(node)}\` (not run: ${guard.why})`);
  }

  /**
   * The functions only ruled-out branches call, each run once as its first such call would have run
   * it, every path dead by that branch's guard: their attention calls read "not reached" and say why.
   * Calls they make in turn are dead too, and join the list.
   */
  private runDeadCalls(): void {
    const calls = this.record.deadCalls;
    for (let i = 0; i < calls.length; i++) {
      const { callee, args, ctx, guard } = calls[i]!;
      const target = callee.t === 'fn' ? this.functionById(callee.id)
        : callee.t === 'closure' ? this.closureTarget(functionOfClosure(callee))
          : callee.t === 'instance' ? this.forwardOf(callee.cls) : undefined;
      if (!target || this.record.invoked.has(target.fn.id)) continue;
      const self = callee.t === 'fn' ? callee.self : callee;
      this.startEntry(`\`${target.fn.qualName}\``);
      this.isolated(target.fn.path, target.fn.node, `analysing \`${target.fn.qualName}\``, () => this.invoke(target.fn, target.module, self, args, { ...ctx, dead: guard }), () => undefined);
    }
  }

  private forwardOf(classId: string): { fn: FunctionInfo; module: ModuleInfo } | undefined {
    const forward = this.method(classId, 'forward') ?? this.method(classId, '__call__');
    return forward && this.functionById(forward.id);
  }

  /** A call has returned: the SDPA switches it left hold for the rest of the caller's path. */
  private called(fn: FunctionInfo, outcome: Outcome, st: PathState, fr: Frame, node: SyntaxNode): Value {
    this.leave(st, outcome.left, fn, `called at ${fileLine(fr, node)}`);
    return outcome.result;
  }

  private leave(st: PathState, left: CallLeft | undefined, fn: FunctionInfo, where: string): void {
    if (left) st.ctx = afterReturn(st.ctx, left, `in \`${fn.qualName}\` ${where}`);
  }

  /** The context after `instance` was built, when its `__init__` left SDPA switches; undefined when it left none. */
  private switchedBy(instance: Value, ctx: Ctx, where: string): Ctx | undefined {
    const left = instance.t === 'instance' ? this.built.get(instance.key)?.left : undefined;
    const init = left && instance.t === 'instance' ? this.method(instance.cls, '__init__') : undefined;
    return init ? afterReturn(ctx, left!, `in \`${init.qualName}\` ${where}`) : undefined;
  }

  // ---- classes and calls ----------------------------------------------------------------------

  /**
   * `Fn.apply(…)` of an `autograd.Function` (a class with a static `forward` and no `apply` of its
   * own): its forward, with the autograd context (`ctx`) as its first argument.
   */
  private autogradApply(classId: string): Value | undefined {
    const forward = this.method(classId, 'forward');
    if (!forward?.node || !forward.decorators.includes('staticmethod') || this.method(classId, 'apply')) return undefined;
    const ctx = { value: UNKNOWN('the autograd context'), node: forward.node };
    return { t: 'partial', fn: { t: 'fn', id: forward.id }, args: { positional: [ctx], keywords: new Map() } };
  }

  private method(classId: string, name: string, seen = 0): FunctionInfo | undefined {
    const entry = this.classOf(classId);
    if (!entry || seen > 8) return undefined;
    this.record.touch(entry.cls.unit); // which method a name finds depends on this class statement
    const own = entry.cls.methods.get(name);
    return own ?? this.baseMethod(classId, name, seen);
  }

  /** A method as a workspace base class defines it (what `super().name` finds). */
  private baseMethod(classId: string, name: string, seen = 0): FunctionInfo | undefined {
    const entry = this.classOf(classId);
    if (!entry) return undefined;
    for (const base of this.workspaceBases(entry)) { const m = this.method(base, name, seen + 1); if (m) return m; }
    return undefined;
  }

  private construct(classId: string, given: CallArgs, ctx: Ctx): Value {
    const owner = variantOwner(`class ${classId}`);
    const givenInput = inputKey(given);
    const { args, widened } = this.variants.argsFor(owner, givenInput, given, `\`${classId.split(':').pop()}\``, inputKey);
    const input = args === given ? givenInput : inputKey(args);
    // A constructor runs outside autocast and in training mode (a module starts in it), whatever the
    // caller's path; the context it runs in is part of the instance's key, so instances built alike in
    // two contexts are two, each kept for the next run (one standing for both would make whatever
    // reused it depend on which came first in the run, an order the cache does not record).
    const ctorCtx: Ctx = { ...ctx, autocast: CONSTRUCTOR_AUTOCAST, mode: CONSTRUCTOR_MODE };
    const context = contextKey(ctorCtx);
    const key = `${classId}(${input})@${context}`;
    // With the words of where its facts came from: what a kept invocation on this instance read (CachedInvocation.exact).
    const exact = `${valueKey(args.positional.map((a) => a.value))}${valueKey([...args.keywords].map(([k, a]) => [k, a.value]))}|${valueKey(ctorCtx)}${this.live?.exact ?? ''}`;
    const built = this.built.get(key);
    if (!built && this.record.depth >= MAX_CALL_DEPTH) {
      this.record.uncacheable();
      return UNKNOWN(depthExceeded(`an instance of ${classId.split(':').pop()}`));
    }
    if (built) {
      // Built earlier in this run: what is being recorded depends on that construction all the same
      // (what it read, the instances it made, the calls its __init__ observed).
      this.classOf(classId);
      this.record.replay(built.effects);
      return { t: 'instance', cls: classId, key, exact: built.exact };
    }
    const instance: Value = { t: 'instance', cls: classId, key, exact };
    // A construction is kept for the next run like an invocation.
    const cacheKey = `new ${key}${this.live?.key ?? ''}`;
    const definition = this.classOf(classId)?.cls.unit ?? null;
    const cached = this.kept.invocations.get(cacheKey);
    if (cached && cached.exact === exact && cached.definition === definition && this.stillValid(cached.effects)) {
      this.record.replay(cached.effects);
      return instance;
    }
    const effects = newEffects();
    effects.instanceKey = cacheKey.slice('new '.length);
    if (!widened) effects.variant = { owner, input, args };
    this.record.push(effects);
    const entry = this.classById.get(classId);
    this.isolated(entry?.module.path ?? '', entry?.cls.unit.root ?? null, `building \`${entry?.cls.name ?? classId}\``, () => this.build(classId, key, exact, context, instance, args, ctorCtx, effects), () => undefined);
    this.record.pop(cacheKey);
    if (keepable(effects)) { this.made.push(effects); this.kept.invocations.set(cacheKey, { result: instance, effects, definition, exact }); }
    return instance;
  }

  /** Run a class body and its `__init__`, recording the instance's attributes under `key`. */
  private build(classId: string, key: string, exact: string, context: string, instance: Value, args: CallArgs, ctx: Ctx, effects: Effects): void {
    const attrs = new Map<string, Value>();
    // The construction's own recorder fills `effects` while it is built.
    const construction: Construction = { key, exact, context, attrs, effects };
    this.built.set(key, construction);
    this.record.built(construction);
    const entry = this.classOf(classId);
    if (!entry) return;
    this.touchModule(entry.module);
    this.record.touch(entry.cls.unit);
    const frame = moduleFrame(entry.module);
    let states = [this.freshState(ctx)];
    states = execBlock(entry.cls.body, states, frame, this);
    for (const st of states) for (const [k, v] of st.env) attrs.set(k, v);
    const fields = this.dataclassInit(classId);
    if (fields) { this.buildDataclass(entry, fields, instance, args, ctx, construction); return; }
    const init = this.method(classId, '__init__');
    const target = init && this.functionById(init.id);
    if (target) {
      this.touchModule(target.module);
      if (target.fn.node) this.record.touch(target.fn.node.unit);
      const end = this.runFunction(target.fn, target.module, instance, args, ctx);
      construction.left = callLeft(ctx, end.states, target.fn.qualName);
      for (const st of end.states) for (const [k, v] of st.selfAttrs) attrs.set(k, attrs.has(k) && end.states.length > 1 ? join(attrs.get(k)!, v) : v);
    }
  }

  /**
   * The fields of the `__init__` a `@dataclass` wrote, where that is the `__init__` `classId` runs:
   * inherited fields first (one a subclass declares again keeps its place and takes the new default).
   */
  private dataclassInit(classId: string, seen = 0): readonly Param[] | undefined {
    const entry = this.classOf(classId);
    if (!entry || seen > 8 || entry.cls.methods.has('__init__')) return undefined;
    const inherited = this.workspaceBases(entry).map((base) => this.dataclassInit(base, seen + 1)).find((f) => f !== undefined);
    const own = entry.cls.dataclassFields;
    if (!own) return inherited;
    const redeclared = new Map(own.map((f) => [f.name, f]));
    const kept = (inherited ?? []).map((f) => redeclared.get(f.name) ?? f);
    return [...kept, ...own.filter((f) => !kept.includes(f))];
  }

  /**
   * A dataclass's `__init__`: each field bound as a parameter (a field an unknown `**config` may set is
   * unknown, not its default), then its `__post_init__` on the instance so far.
   */
  private buildDataclass(entry: { cls: ClassInfo; module: ModuleInfo }, fields: readonly Param[], instance: Value, args: CallArgs, ctx: Ctx, construction: Construction): void {
    const init: FunctionInfo = {
      id: `${entry.cls.id}.__init__`, path: entry.module.path, qualName: `${entry.cls.name}.__init__`, name: '__init__', className: entry.cls.name,
      params: [{ name: 'self', star: false }, ...fields], body: [], decorators: [], decoratorNodes: [], node: null,
    };
    const { attrs } = construction;
    const bound = this.runFunction(init, entry.module, instance, args, ctx);
    for (const st of bound.states) for (const f of fields) { const v = st.env.get(f.name); if (v) attrs.set(f.name, v); }
    const post = this.method(entry.cls.id, '__post_init__');
    const target = post && this.functionById(post.id);
    if (!target) return;
    const end = this.runFunction(target.fn, target.module, instance, { positional: [], keywords: new Map() }, ctx, attrs);
    construction.left = callLeft(ctx, end.states, target.fn.qualName);
    for (const st of end.states) for (const [k, v] of st.selfAttrs) attrs.set(k, attrs.has(k) && end.states.length > 1 ? join(attrs.get(k)!, v) : v);
  }

  private invoke(fn: FunctionInfo, module: ModuleInfo, self: Value | undefined, given: CallArgs, callerCtx: Ctx, caller?: Frame): Outcome {
    const decorated = this.decorated(fn, module, this.startsPath(fn, callerCtx), given);
    const ctx = decorated.ctx;
    const owner = variantOwner(`${fn.id}|${contextKey(ctx)}|${factKey(self)}${this.live?.key ?? ''}`);
    const givenInput = inputKey(decorated.args);
    const { args, widened } = this.variants.argsFor(owner, givenInput, decorated.args, `\`${fn.qualName}\``, inputKey);
    const input = args === decorated.args ? givenInput : inputKey(args);
    const values = argValues(args);
    // Which tensor arguments' dims are one variable of the caller: part of the input, which the callee may conclude from.
    const shares = caller ? argumentDimVariables(values, caller) : NO_SHARES;
    // With the words of where its facts came from; made only where read (a call this run made already reads none).
    let exactKey: string | undefined;
    const exact = (): string => (exactKey ??= `${valueKey(ctx)}|${valueKey(self)}|${valueKey(values)}${this.live?.exact ?? ''}`);
    // Under a case of an open autocast, with the words of its input: the cases' facts are concrete,
    // their results cite where they came from, and sharing one with a caller of other words would
    // make the report depend on which caller ran first (an order an edit's reuse changes).
    const key = `${owner}|${widened ? '~' : ''}${input}${shares.key}${this.autocastCase ? `|${exact()}` : ''}`;
    const memo = this.memoized(key);
    if (memo) {
      this.record.replay(memo.effects);
      return reusedWith(memo, values);
    }
    const cached = this.kept.invocations.get(key);
    if (cached && cached.exact === exact() && cached.definition === definitionOf(fn) && this.stillValid(cached.effects)) {
      this.record.replay(cached.effects);
      this.memo.set(key, cached);
      return reusedWith(cached, values);
    }
    if (this.active.has(key)) {
      this.record.cutRecursion(key);
      return { result: UNKNOWN(`the result of ${fn.qualName} (recursive)`) };
    }
    if (this.record.depth >= MAX_CALL_DEPTH) {
      this.record.uncacheable();
      return { result: UNKNOWN(depthExceeded(`the result of ${fn.qualName}`)) };
    }
    const effects = newEffects();
    if (!widened) effects.variant = { owner, input, args };
    const exactBefore = exact(); // before the run, which may change what its arguments hold
    this.record.push(effects);
    this.active.add(key);
    // A function run dead (only ruled-out branches call it) reaches no path kind.
    this.record.invokedFn(fn.id, ctx.modeAssumed || ctx.dead ? null : ctx.mode.value);
    if (fn.node) this.record.touch(fn.node.unit);
    this.touchModule(module);
    const { result, states } = this.isolated(fn.path, fn.node, `analysing \`${fn.qualName}\``, () => this.runFunction(fn, module, self, args, ctx, undefined, shares.inherited),
      (message) => ({ result: UNKNOWN(`the result of ${fn.qualName} (internal error: ${message})`), states: [] as PathState[] }));
    // Switches and backends set inside a decorator's region (`@sdpa_kernel(…)`) end with it.
    const left = callLeft(ctx, states, fn.qualName, callerCtx);
    const outcome: Outcome = { result, args: values, ...(left ? { left } : {}) };
    this.active.delete(key);
    this.record.pop(key);
    this.memo.set(key, { ...outcome, effects });
    if (keepable(effects)) { this.made.push(effects); this.kept.invocations.set(key, { ...outcome, effects, definition: definitionOf(fn), exact: exactBefore }); }
    return outcome;
  }

  /**
   * The context a function runs in: its own clue (modes.ts) starts a path where the caller's is only
   * assumed, and a decorator (`@torch.no_grad()`) holds on every path. A mirror run (a function
   * established callers reach on one kind, run on the other for its facts) keeps its kind against a
   * name: `generate` called from a sampler must not become a second, argument-less inference path.
   */
  private startsPath(fn: FunctionInfo, callerCtx: Ctx): Ctx {
    const clue = modeClue(fn);
    if (!clue || !(clue.binding || (callerCtx.modeAssumed && !callerCtx.mirror))) return callerCtx;
    return { ...callerCtx, mode: known(clue.mode, clue.source), modeAssumed: callerCtx.mirror === true };
  }

  /**
   * Decorators that are context managers (`@torch.autocast(…)`, `@sdpa_kernel(…)`, diffusers'
   * `@attention_backend(…)`) set up their context for the whole call; the mode from `@torch.no_grad()`
   * is `modeClue`'s, named by decorator.
   * `@custom_fwd(cast_inputs=…)` casts the arguments and turns autocast off (custom-fwd.ts).
   */
  private decorated(fn: FunctionInfo, module: ModuleInfo, ctx: Ctx, args: CallArgs): Decorated {
    if (fn.decoratorNodes.length === 0) return { ctx, args };
    const frame = moduleFrame(module);
    const regions = fn.decoratorNodes.filter((d) => d.type === 'call').reduce<Ctx>((outer, d) => {
      const manager = contextOfDecorator(d, this.freshState(outer), frame, this);
      const inner = manager ? enterContext(outer, manager) : outer;
      return { ...outer, autocast: inner.autocast, ...(inner.sdpa ? { sdpa: inner.sdpa } : {}), ...(inner.diffusersBackend ? { diffusersBackend: inner.diffusersBackend } : {}) };
    }, ctx);
    const compiled = compilingDecorator(fn.decoratorNodes, this.freshState(regions), frame, this);
    const inner = compiled ? { ...regions, compiled } : regions;
    return customForward(fn.decoratorNodes, { ctx: inner, args }, this.freshState(inner), frame, this);
  }

  /** A closure's function with the module it is written in. */
  private closureTarget(fn: FunctionInfo): { fn: FunctionInfo; module: ModuleInfo } | undefined {
    const module = this.byPath.get(fn.path);
    return module && { fn, module };
  }

  private functionById(id: string): { fn: FunctionInfo; module: ModuleInfo } | undefined {
    const entry = this.byFunctionId.get(id);
    this.record.resolved(entry?.resolvedKey ?? `fn:${id}`, entry?.fn.node ?? null);
    return entry;
  }

  private classOf(id: string): { cls: ClassInfo; module: ModuleInfo } | undefined {
    const entry = this.classById.get(id);
    this.record.resolved(entry?.resolvedKey ?? `class:${id}`, entry?.cls.unit ?? null);
    return entry;
  }

  /** Record a read of one of a module's global names (global-names.ts). */
  private touchName(path: string, name: string): void {
    const token = this.names.token(path, name);
    if (token) this.record.touch(token);
  }

  /** Record a read of what a module's names resolve to (its functions, classes and imports). */
  private touchModule(module: ModuleInfo): void {
    const token = this.globalsTokens.get(module.path);
    if (token) this.record.touch(token);
  }

  /**
   * Whether everything a kept invocation read (itself, everything inside it, the constructions whose
   * attributes it read) is unchanged. Answers are kept per effects object, so effects shared by many
   * kept invocations are checked once per run.
   */
  private stillValid(effects: Effects): boolean {
    // While module top levels run, names not settled yet look gone: walk what it read instead.
    const indexed = this.computingGlobals ? undefined : this.keptValidity.valid(effects);
    if (indexed !== undefined) return indexed;
    const visited: Effects[] = [];
    const stack = [effects];
    const seen = new Set<Effects>(stack);
    while (stack.length > 0) {
      const e = stack.pop()!;
      const known = this.validity.get(e);
      if (known === true) continue;
      if (known === false || !this.readUnchanged(e)) { this.validity.set(e, false); this.validity.set(effects, false); return false; }
      visited.push(e);
      for (const ev of e.events) if ('inner' in ev && !seen.has(ev.inner)) { seen.add(ev.inner); stack.push(ev.inner); }
      for (const d of e.depends) if (!seen.has(d)) { seen.add(d); stack.push(d); }
    }
    for (const e of visited) this.validity.set(e, true);
    return true;
  }

  /** Whether the statements one effects object read itself are still live and its ids resolve as they did. */
  private readUnchanged(effects: Effects): boolean {
    for (const unit of effects.units) if (!this.isLive(unit) && !this.names.isLive(unit)) return false;
    for (const [key, definition] of effects.resolved) if (this.definitionNow(key) !== definition) return false;
    return true;
  }

  /** What a function or class id (`fn:<id>`, `class:<id>`) resolves to in this run. */
  private definitionNow(key: string): object | null {
    const id = key.slice(key.indexOf(':') + 1);
    return (key.startsWith('fn:') ? this.byFunctionId.get(id)?.fn.node : this.classById.get(id)?.cls.unit) ?? null;
  }

  /**
   * Effects kept from the last run, applied to this run the first time (a reused invocation's, and
   * those inside it): the inputs and instances seen inside them are this run's too.
   */
  private seed(e: Effects): void {
    if (e.variant) this.variants.note(e.variant.owner, e.variant.input, e.variant.args);
    for (const c of e.ctors) if (!this.built.has(c.key)) this.built.set(c.key, c);
  }

  /**
   * This run's invocation of a memo key: one it made or reused, or one kept from an earlier run
   * whose effects it applied since (reused inside another), found without a walk that copies them.
   */
  private memoized(key: string): (Outcome & { readonly effects: Effects }) | undefined {
    const made = this.memo.get(key);
    if (made) return made;
    const kept = this.kept.invocations.get(key);
    return kept && this.record.applied(kept.effects) ? kept : undefined;
  }

  /** Whether this run applied these effects (made them, or reused what holds them). */
  applied(effects: Effects): boolean {
    return this.record.applied(effects);
  }

  /**
   * `building`: the attributes set so far, when `fn` is a helper that `__init__` calls on self (see
   * constructionHelper); `callerLoops`: the loops its caller runs it in (it appends to the caller's lists).
   */
  private runFunction(fn: FunctionInfo, module: ModuleInfo, self: Value | undefined, args: CallArgs, ctx: Ctx, building?: ReadonlyMap<string, Value>,
    inherited?: ReadonlyMap<Value, Value>, callerLoops?: number): { result: Value; states: PathState[] } {
    // A `@contextmanager` generator's call makes a context manager, of the paths that reach its `yield`;
    // so does a class's `__enter__`, of its paths that return (what they return is what `as` binds).
    const enters = fn.name === '__enter__' && fn.className !== null;
    const yields = enters || (fn.decoratorNodes.length > 0 && isGeneratorContext(fn.decoratorNodes, this.freshState(ctx), moduleFrame(module), this)) ? [] as YieldPoint[] : undefined;
    const returned = enters ? new Map<PathState, Value>() : undefined;
    const frame: Frame = { fn, module, self, returns: [], ...(yields ? { yields } : {}), ...(returned ? { returned } : {}), ...(inherited ? { inherited } : {}),
      ...(callerLoops ? { loops: callerLoops } : {}) };
    const st = this.freshState(ctx);
    if (building) {
      this.helperFrames.add(frame);
      for (const [k, v] of building) { st.selfAttrs.set(k, v); st.env.set(`self.${k}`, v); }
    }
    // A closure's body reads the variables it captured where it was made (its parameters shadow them).
    if (self?.t === 'closure') for (const [k, v] of self.captured) st.env.set(k, v);
    this.bindParams(fn, module, self, args, st, frame);
    const states = fn.node?.type === 'lambda' ? this.lambdaBody(fn.node, st, frame) : execBlock(fn.body, [st], frame, this);
    // The context at a path's end, not at its `return`: a region the `return` leaves has ended. A path that raised does not count.
    if (returned) {
      for (const s of states) {
        const v = returned.get(s) ?? (s.done ? undefined : { t: 'none', source: `${fn.qualName} returns None` } as Value);
        if (v && !s.dead) yields!.push({ ctx: s.ctx, value: v, assume: s.assume, assumeText: s.assumeText });
      }
    }
    const result = frame.cut ? UNKNOWN(`the result of ${fn.qualName} (${frame.cut})`)
      : yields ? generatorContext(fn, ctx, yields)
      : frame.returns.length === 0 ? { t: 'none', source: `${fn.qualName} returns None` } as Value
        : unlessChangedElsewhere(frame.returns.map((v) => returnedFrom(v, frame)).reduce(join), frame.deadReturns ?? []);
    return { result, states };
  }

  /** A lambda's body is the expression it returns. */
  private lambdaBody(node: SyntaxNode, st: PathState, frame: Frame): PathState[] {
    const body = field(node, 'body');
    const v = body ? evaluate(body, st, frame, this) : UNKNOWN(`\`${textOf(node)}\``);
    if (!st.dead) frame.returns.push(v);
    return [st];
  }

  private freshState(ctx: Ctx): PathState {
    return { env: ForkMap.empty(), assume: ForkMap.empty(), assumeText: ForkMap.empty(), ctx, dead: ctx.dead ?? null, selfAttrs: ForkMap.empty(), done: false };
  }

  private bindParams(fn: FunctionInfo, module: ModuleInfo, self: Value | undefined, args: CallArgs, st: PathState, frame: Frame): void {
    const params = [...fn.params];
    if (fn.className && params.length > 0 && !fn.decorators.includes('staticmethod') && fn.node?.type !== 'lambda') {
      const first = params.shift()!;
      st.env.set(first.name, self ?? UNKNOWN(`\`${first.name}\``));
    }
    const named = new Set(params.map((p) => p.name));
    let position = 0;
    let keywordOnly = false;
    for (const p of params) {
      if (p.marker) { keywordOnly ||= p.name === '*'; continue; }
      if (p.collects) {
        st.env.set(p.name, p.collects === 'positional' ? extraPositional(args, position, p.name, fn) : extraKeywords(args, named, p.name, fn));
        keywordOnly = true;
        continue;
      }
      const index = keywordOnly ? undefined : position++;
      const given = args.keywords.get(p.name) ?? (index === undefined ? undefined : args.positional[index]);
      // An unpacked `*xs` or `**kw` of unknown content may bind this parameter: unknown, not its default.
      const mayBeGiven = (index !== undefined && index >= args.positional.length && args.morePositional) || args.moreKeywords;
      let v: Value | undefined = given?.value ?? (mayBeGiven ? UNKNOWN(`the argument \`${p.name}\` of ${fn.qualName} (unpacked at the call)`) : undefined);
      if (!v && p.default) v = closureDefault(self, p.name) ?? evaluate(p.default, this.freshState(st.ctx), moduleFrame(module), this);
      if ((!v || v.t === 'unknown') && p.annotation) {
        const annotated = this.annotationValue(p.annotation.replace(/^["']|["']$/g, ''), frame);
        if (annotated?.t === 'class') {
          v = this.construct(annotated.id, this.argsOfNoCaller(annotated.id), st.ctx);
          st.ctx = this.switchedBy(v, st.ctx, `for \`${p.name}: ${p.annotation}\``) ?? st.ctx;
        }
        // `model: DDP` / `model: nn.Module`: a module, but which one the code does not say.
        else if (annotated?.t === 'ref' && isModuleType(annotated.name)) {
          v = { t: 'torchmod', kind: 'Module', args: {}, origin: `a module of unknown class: \`${p.name}: ${p.annotation}\`` };
        }
      }
      // With no caller, an optional tensor's None default is no fact either (assumed-inputs.ts).
      const assumed = args.noCaller && !given && (!v || (v.t === 'none' && p.default?.type === 'none'))
        ? assumedInput(fn, p, self?.t === 'instance' ? self.cast : undefined, st.ctx.autocast, this.settings) : undefined;
      if (assumed) st.ctx = { ...st.ctx, inputs: [...st.ctx.inputs ?? [], assumed.text] };
      st.env.set(p.name, bindUnknown(assumed?.value ?? v ?? UNKNOWN(`the argument \`${p.name}\` of ${fn.qualName}`), frame));
    }
  }

  /** What an annotation names: `Net`, `DDP`, `nn.Module` (a dotted name extends the reference of its first part). */
  private annotationValue(text: string, frame: Frame): Value | undefined {
    const [first, ...rest] = text.split('.');
    let v = this.global(first, frame);
    for (const part of rest) {
      if (v?.t !== 'ref') return v;
      v = this.resolver.member(v.name, part) ?? { t: 'ref', name: `${v.name}.${part}` };
    }
    return v;
  }

  /** A module's globals, computed once per run; the modules it imports (whose switches it starts with) go first. */
  private moduleGlobalsOnce(m: ModuleInfo): void {
    // An import cycle: what the module being imported binds is not known yet here, so what is being
    // recorded depends on which module of the cycle started (the run's order): not kept.
    if (this.importing.has(m.path)) { this.record.uncacheable(); return; }
    if (this.globals.has(m.path)) return;
    this.importing.add(m.path);
    try {
      this.globals.set(m.path, this.moduleGlobals(m));
    } finally {
      this.importing.delete(m.path);
    }
  }

  private moduleGlobals(m: ModuleInfo): Map<string, Value> {
    const kept = this.kept.topLevels.get(m.path);
    const statements = moduleLevel(m).body.map((s) => s.unit);
    if (kept && sameUnits(kept.statements, statements)) {
      // What it read of the modules it imports is settled first (their names' tokens).
      for (const path of kept.switchesRead) { const imported = this.byPath.get(path); if (imported) this.moduleGlobalsOnce(imported); }
      if (this.stillValid(kept.effects)) return this.reuseTopLevel(m, kept);
    }
    const effects = newEffects();
    this.record.push(effects);
    let globals: Map<string, Value> | undefined;
    try {
      // Its own statements (a kept run holds their nodes: a function's body among them) and what its names resolve to.
      for (const unit of statements) this.record.touch(unit);
      this.touchModule(m);
      return globals = this.runTopLevel(m);
    } finally {
      this.record.pop(`top level of ${m.path}`);
      const switches = this.moduleSwitches.get(m.path);
      this.names.settle(m.path, new Map<string, unknown>([...globals ?? [], ...switches ? [[IMPORT_SWITCHES, switches] as const] : []]), valueKey);
      if (globals && keepable(effects)) {
        const switchesRead = [...this.switchesRead.get(m.path) ?? []].map((r) => r.path);
        this.made.push(effects);
        this.topLevels.set(m.path, { globals, switches, switchesRead, statements, effects });
      }
    }
  }

  /** A top-level run kept from the last run, its statements and what it read unchanged: its globals, switches and reads again. */
  private reuseTopLevel(m: ModuleInfo, kept: KeptTopLevel): Map<string, Value> {
    this.names.keep(m.path);
    this.record.replay(kept.effects);
    if (kept.switches) this.moduleSwitches.set(m.path, kept.switches);
    this.switchesRead.set(m.path, new Set(kept.switchesRead.flatMap((path) => this.byPath.get(path) ?? [])));
    this.topLevels.set(m.path, kept);
    return kept.globals;
  }

  private runTopLevel(m: ModuleInfo): Map<string, Value> {
    const frame = moduleFrame(m);
    const states = execBlock(frame.fn.body, [this.freshState({ mode: known('train', 'module level'), modeAssumed: true, autocast: known(null, 'module level') })], frame, this);
    const switches = importTimeSwitches(states);
    if (switches) this.moduleSwitches.set(m.path, switches);
    const merged = new Map<string, Value>();
    for (const st of states) for (const [k, v] of st.env) merged.set(k, merged.has(k) ? join(merged.get(k)!, v) : v);
    return merged;
  }

  runImport(stmt: SyntaxNode, st: PathState, fr: Frame): void {
    // The imported modules' top levels run first, so their globals are known when bound here.
    if (fr.fn === moduleLevel(fr.module)) this.importSwitches(stmt, st, fr);
    for (const [local, qualified, module] of importBindings(stmt)) st.env.set(local, this.moduleVariable(this.resolver.value(fr.module, qualified, module)) ?? this.resolver.value(fr.module, qualified, module));
  }

  /**
   * A workspace module's top-level variable that a reference names (`from utils import SDPA_AVAILABLE`,
   * `utils.SDPA_AVAILABLE`): its value after that module's top level ran (`hasattr(F, …)` decided by the
   * torch setting), rather than a library name, which would always read as true.
   */
  private moduleVariable(v: Value): Value | undefined {
    if (v.t !== 'ref' || v.optional) return undefined;
    const dot = v.name.lastIndexOf('.');
    const m = dot > 0 ? this.resolver.moduleNamed(v.name.slice(0, dot)) : undefined;
    if (!m) return undefined;
    if (this.computingGlobals) this.moduleGlobalsOnce(m);
    const name = v.name.slice(dot + 1);
    this.touchName(m.path, name);
    return this.globals.get(m.path)?.get(name);
  }

  /**
   * An import at a module's top level runs the imported workspace module's top level first (once per
   * process): the SDPA switches it sets at import time hold from here on, named by the import.
   */
  private importSwitches(stmt: SyntaxNode, st: PathState, fr: Frame): void {
    const imported = new Set(importBindings(stmt).map(([, qualified, module]) => this.resolver.imported(fr.module, qualified, module)));
    const read = this.switchesRead.get(fr.module.path) ?? new Set<ModuleInfo>();
    for (const m of imported) {
      if (!m || m === fr.module) continue;
      if (this.computingGlobals) this.moduleGlobalsOnce(m);
      for (const dep of [m, ...this.switchesRead.get(m.path) ?? []]) { read.add(dep); this.touchName(dep.path, IMPORT_SWITCHES); }
      const switches = this.moduleSwitches.get(m.path);
      if (switches) st.ctx = { ...st.ctx, sdpa: afterCall(st.ctx.sdpa, switches.enabled, `run by \`${textOf(stmt)}\` at ${fileLine(fr, stmt)}`) };
    }
    if (this.computingGlobals) this.switchesRead.set(fr.module.path, read);
  }

  superMethod(fr: Frame, name: string): Value | undefined {
    const classId = fr.fn.className ? `${fr.fn.path}:${fr.fn.className}` : undefined;
    const m = classId ? this.baseMethod(classId, name) : undefined;
    if (m) return { t: 'fn', id: m.id, self: fr.self };
    // `class CausalConv3d(nn.Conv3d)` whose forward pads and calls `super().forward(x)`: torch's module.
    const torchBase = classId && (name === 'forward' || name === '_conv_forward') ? this.torchModuleBase(classId) : undefined;
    if (!torchBase || !fr.fn.node) return undefined;
    // `super()._conv_forward(x, weight, bias)`: the convolution itself.
    if (name === '_conv_forward') return CONVOLUTIONS.has(torchBase) ? { t: 'ref', name: `torch.nn.functional.${torchBase.toLowerCase()}` } : undefined;
    const mod = nnConstructor(torchBase, SIZES_OPEN, fr, fr.fn.node);
    // Its parameters are the instance's, cast with it (`model.half()`).
    return mod.t === 'torchmod' && fr.self?.t === 'instance' && fr.self.cast ? { ...mod, cast: fr.self.cast } : mod;
  }

  /** The torch.nn module class a workspace class derives from, itself or through workspace bases (`nn.Conv3d`). */
  private torchModuleBase(classId: string, seen = 0): string | undefined {
    const entry = this.classOf(classId);
    if (!entry || seen > 8) return undefined;
    for (const base of this.resolvedBases(entry)) {
      const kind = base.t === 'ref' && base.name.startsWith('torch.nn.') ? base.name.split('.').pop()! : undefined;
      if (kind && kind !== 'Module' && /^[A-Z]/.test(kind)) return kind;
      const inherited = base.t === 'class' ? this.torchModuleBase(base.id, seen + 1) : undefined;
      if (inherited) return inherited;
    }
    return undefined;
  }

  /** `super().__init__(…)`: the base constructor sets attributes on this instance. */
  superInit(expr: SyntaxNode, st: PathState, fr: Frame): boolean {
    const fnNode = expr.type === 'call' ? field(expr, 'function') : undefined;
    const obj = fnNode?.type === 'attribute' ? field(fnNode, 'object') : undefined;
    if (!fnNode || obj?.type !== 'call' || textOf(field(obj, 'function') ?? obj) !== 'super' || textOf(field(fnNode, 'attribute')!) !== '__init__') return false;
    const init = this.superMethod(fr, '__init__');
    const target = init?.t === 'fn' ? this.functionById(init.id) : undefined;
    if (!target) return true;
    const baseUnit = target.module.classes.get(target.fn.className ?? '')?.unit;
    if (baseUnit) this.record.touch(baseUnit);
    const list = field(expr, 'arguments');
    const args = evaluateArgs(list ? namedChildren(list) : [], st, fr, this);
    const end = this.runFunction(target.fn, target.module, fr.self, args, st.ctx);
    this.leave(st, callLeft(st.ctx, end.states, target.fn.qualName), target.fn, `called at ${fileLine(fr, expr)}`);
    for (const s of end.states) {
      for (const [k, v] of s.selfAttrs) {
        const merged = end.states.length > 1 && st.selfAttrs.has(k) ? join(st.selfAttrs.get(k)!, v) : v;
        st.selfAttrs.set(k, merged);
        st.env.set(`self.${k}`, merged);
      }
    }
    return true;
  }

  /**
   * `self._build(cfg)` in `__init__` (or in such a helper), as a statement or for its result
   * (`self.blocks = self._make_blocks()`): a method of the instance's class or its bases, run on the
   * attributes set so far; what it assigns to `self` is set on the instance, as if written in
   * `__init__`. Gives what it returns; undefined when the call is no such helper.
   */
  private constructionHelper(target: { fn: FunctionInfo; module: ModuleInfo }, self: Value | undefined, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined {
    if (fr.self?.t !== 'instance' || self !== fr.self || (fr.fn.name !== '__init__' && !this.helperFrames.has(fr))) return undefined;
    if (this.helpersRunning.has(target.fn.id)) return undefined;
    if (target.fn.node) this.record.touch(target.fn.node.unit);
    this.touchModule(target.module);
    this.record.invokedFn(target.fn.id, st.ctx.modeAssumed ? null : st.ctx.mode.value);
    this.helpersRunning.add(target.fn.id);
    let end: { result: Value; states: PathState[] };
    try {
      end = this.runFunction(target.fn, target.module, fr.self, args, st.ctx, st.selfAttrs, undefined, fr.loops);
    } finally {
      this.helpersRunning.delete(target.fn.id);
    }
    this.leave(st, callLeft(st.ctx, end.states, target.fn.qualName), target.fn, `called at ${fileLine(fr, node)}`);
    const assigned = new Map<string, Value>();
    for (const s of end.states) for (const [k, v] of s.selfAttrs) assigned.set(k, assigned.has(k) ? join(assigned.get(k)!, v) : v);
    for (const [k, v] of assigned) { st.selfAttrs.set(k, v); st.env.set(`self.${k}`, v); }
    return end.result;
  }
}

/**
 * A context for memo keys: its facts with the words of where its autocast region and switches were
 * set (messages cite them), but the path kind without its source: every entry point states its own,
 * and a callee reached from many must be analysed once per kind, not once per entry point.
 */
const CONSTRUCTOR_AUTOCAST = known(null, 'constructors run outside autocast');
const NO_SHARES: ReturnType<typeof argumentDimVariables> = { key: '' };
const CONSTRUCTOR_MODE = known('train' as const, 'a module is in training mode while it is built');

function contextKey(ctx: Ctx): string {
  let key = CONTEXT_KEYS.get(ctx);
  if (key === undefined) CONTEXT_KEYS.set(ctx, key = `${ctx.mode.value}|${valueKey({ ...ctx, mode: undefined })}`);
  return key;
}

/** The parameters of a torch.nn module the code reads by name. */
const PARAMETERS = new Set(['weight', 'bias', 'in_proj_weight']);

/** A parameter of a torch.nn module (`origin`): float32, or the dtype the module was cast to. */
function moduleParameter(origin: string, cast: Dtype | undefined): Value {
  return tensor(parameterDtype(origin, cast), origin, { param: true });
}

/** torch.nn's convolutions, whose forward calls `self._conv_forward(input, self.weight, self.bias)`. */
const CONVOLUTIONS = new Set(['Conv1d', 'Conv2d', 'Conv3d']);

/** Contexts are immutable and shared by many invocations: each one's key is made once. */
const CONTEXT_KEYS = new WeakMap<Ctx, string>();

/** A call's input for memo keys: its positional and keyword argument values and splats. */
function inputKey(args: CallArgs): string {
  return `${factKey(args.positional.map((a) => a.value))}|${factKey([...args.keywords].map(([k, a]) => [k, a.value]))}${unpackedKey(args)}`;
}

/** `*args`: the positional arguments from `from` on, as a tuple when every one is known. */
function extraPositional(args: CallArgs, from: number, name: string, fn: FunctionInfo): Value {
  if (args.noCaller) return UNKNOWN(`\`*${name}\` of ${fn.qualName} (no caller found)`);
  if (args.morePositional) return UNKNOWN(`\`*${name}\` of ${fn.qualName} (unpacked at the call)`);
  return { t: 'tuple', items: args.positional.slice(from).map((a) => a.value) };
}

/** `**kwargs`: the keywords no named parameter takes, as a dict when every one is known. */
function extraKeywords(args: CallArgs, named: ReadonlySet<string>, name: string, fn: FunctionInfo): Value {
  if (args.noCaller) return UNKNOWN(`\`**${name}\` of ${fn.qualName} (no caller found)`);
  if (args.moreKeywords) return UNKNOWN(`\`**${name}\` of ${fn.qualName} (unpacked at the call)`);
  return { t: 'dict', entries: [...args.keywords].filter(([k]) => !named.has(k)).map(([k, a]) => [k, a.value] as const) };
}

/**
 * Run each closure a module's functions (or its top level) write that no run has called, in document
 * order: an enclosing closure runs first, so one it calls is named and run as its own.
 */
function runUncalledClosures(m: ModuleInfo, invoked: ReadonlySet<string>, run: (fn: FunctionInfo) => void): void {
  for (const unit of m.units) {
    for (const node of unit.closures) {
      const fn = closureFunction(node, innermostFunction(m, node));
      if (!invoked.has(fn.id)) run(fn);
    }
  }
}

/** The function (or the module's top level) whose definition holds `node`. */
function innermostFunction(m: ModuleInfo, node: SyntaxNode): FunctionInfo {
  let best = moduleLevel(m);
  for (const fn of m.allFunctions) {
    const def = fn.node;
    if (def && def.unit === node.unit && def.start <= node.start && node.end <= def.end && (!best.node || def.end - def.start < best.node.end - best.node.start)) best = fn;
  }
  return best;
}

/** A frame for code evaluated at a module's top level (class bodies, decorators, parameter defaults). */
function moduleFrame(module: ModuleInfo): Frame {
  return { fn: moduleLevel(module), module, self: undefined, returns: [] };
}

/** torch.nn.Module and the wrappers that call a module they were given (DDP, FSDP, DataParallel). */
function isModuleType(qualified: string): boolean {
  return isNnModule(qualified) || isParallelWrapper(qualified);
}

function isNnModule(qualified: string): boolean {
  return /(^|\.)(nn\.Module|nn\.modules\.module\.Module)$/.test(qualified);
}

/** Whether a module's top-level statements are the same objects as when a kept run read them (one added is not among what it read). */
function sameUnits(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((u, i) => u === b[i]);
}

/**
 * What a kept run of `fn` ran: its node, or for a module's top level (no node) what its statements
 * are (module-shape.ts; a statement added is not among the units the run read), once per index entry.
 */
function definitionOf(fn: FunctionInfo): object | string {
  if (fn.node) return fn.node;
  let shape = SHAPES.get(fn);
  if (shape === undefined) SHAPES.set(fn, shape = moduleShape(fn.body));
  return shape;
}

const SHAPES = new WeakMap<FunctionInfo, string>();

/** A module's variables at a call from its top-level code, with their memo keys (`key` by facts, `exact` with their words). */
interface LiveGlobals {
  readonly path: string;
  readonly env: ReadonlyMap<string, Value>;
  readonly key: string;
  readonly exact: string;
}

/** Whether two variable maps bind the same names to the same value objects. */
function sameBindings(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) if (b.get(name) !== value) return false;
  return true;
}
