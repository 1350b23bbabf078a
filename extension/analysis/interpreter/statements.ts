/**
 * Statements on one path: assignments bind values (`bind`), `if` splits the path on undetermined
 * conditions and walks the branches the facts rule out as dead, `with` enters context managers
 * (autocast, SDPA regions, workspace ones), `try: import … / except ImportError:` splits on whether
 * the library is installed, and blocks merge their paths past MAX_PATHS. Expressions are evaluate.ts';
 * calls into the workspace, imports and `super().__init__` are the interpreter's (`Executor`).
 */
import type { Mode } from '../../../runtime/dispatch/facts';
import { negatedText } from '../values/assumptions';
import { decide } from './conditions';
import { fileLine, type Engine } from '../values/engine';
import { contextOfWithCall, enterContext, enteredInstance, enteredThrough } from './contexts';
import { assignItem, evaluate, loopItems, tensorArithmetic, truth } from './evaluate';
import { keepFixesSafe } from '../torch/manual-attention';
import { libraryCallsIn } from './branch-calls';
import { closureValue } from './closures';
import { catchesImportError, importBindings } from '../workspace-index/module-index';
import { declaredGlobals } from '../workspace-index/rebinders';
import { statementBackend } from './diffusers-backend';
import { statementSwitches } from './sdpa-switches';
import { unpacked } from './unpacking';
import { collapseEquivalent, forkState, mergeStates, type Ctx, type Frame, type Guard, type PathState } from '../values/state';
import { binaryComparison, field, namedChildren, oneLineText, textOf, type SyntaxNode } from '../syntax/syntax';
import { bindUnknown, evalFormula, type Formula, isTensor, known, openAtom, UNKNOWN, type ContextValue, type TensorValue, type Value } from '../values/values';

/** Paths per function call before they are merged instead of split further. */
const MAX_PATHS = 32;

/** Statements after which paths may differ in assumptions only (collapseEquivalent). */
const SPLITS: ReadonlySet<string> = new Set(['if_statement', 'try_statement', 'with_statement', 'for_statement', 'while_statement']);

/** What statements need from the workspace interpreter besides what expressions do. */
export interface Executor extends Engine {
  /** An `import` statement: binds its names; at a module's top level, also runs the imported modules' switches. */
  runImport(stmt: SyntaxNode, st: PathState, fr: Frame): void;
  /** `super().__init__(…)`: runs the base constructor on this instance; false when `expr` is not that call. */
  superInit(expr: SyntaxNode, st: PathState, fr: Frame): boolean;
  /** A function bound a module global it declares `global`: readers elsewhere see the value (rebindings.ts). */
  rebindGlobal(name: string, v: Value, fr: Frame): void;
  /** A method set an attribute on self: outside the constructor, readers elsewhere see the value (rebindings.ts). */
  rebindAttribute(name: string, v: Value, fr: Frame): void;
  /** Count one statement against the budget (budget.ts); false once it ran out (the frame is then cut). */
  step(fr: Frame): boolean;
}

/** Run a block on each live path; paths that ended (`return`, `raise`) pass through. */
export function execBlock(stmts: readonly SyntaxNode[], states: PathState[], fr: Frame, e: Executor): PathState[] {
  let live = states;
  for (const [i, stmt] of stmts.entries()) {
    if (!e.step(fr)) {
      // Out of budget: the paths end here, and the frame's result is unknown (`Frame.cut`).
      for (const st of live) st.done = true;
      return live;
    }
    const next: PathState[] = [];
    for (const st of live) {
      if (st.done) { next.push(st); continue; }
      next.push(...exec(stmt, st, fr, e));
    }
    walkRestDead(stmts, i + 1, next, fr, e);
    const joined = next.length > 1 && SPLITS.has(stmt.type) ? collapseEquivalent(next) : next;
    live = joined.length > MAX_PATHS ? [mergeStates(joined)] : joined;
  }
  return live;
}

function exec(stmt: SyntaxNode, st: PathState, fr: Frame, e: Executor): PathState[] {
  switch (stmt.type) {
    case 'call': expression(stmt, st, fr, e); return [st];
    case 'expression_statement': {
      for (const expr of namedChildren(stmt)) expression(expr, st, fr, e);
      if (fr.fn.name === '<module>') forgetExecuted(stmt, st, fr);
      return [st];
    }
    case 'if_statement': return execIf(ifBranches(stmt), 0, st, fr, e);
    case 'for_statement': {
      const left = field(stmt, 'left'); const right = field(stmt, 'right'); const body = field(stmt, 'body');
      const passes = left && right ? loopItems(evaluate(right, st, fr, e), `\`${textOf(left)}\``) : [undefined];
      let states = [st];
      for (const item of passes) {
        if (left && item) for (const s of states) bind(left, item, s, fr, e);
        if (body) states = inLoop(fr, () => execBlock(body.children, states, fr, e));
      }
      return states;
    }
    case 'while_statement': { const body = field(stmt, 'body'); return body ? inLoop(fr, () => execBlock(body.children, [st], fr, e)) : [st]; }
    case 'with_statement': return execWith(stmt, st, fr, e);
    case 'try_statement': return execTry(stmt, st, fr, e);
    case 'return_statement': {
      const value = namedChildren(stmt)[0];
      const v = value ? evaluate(value, st, fr, e) : { t: 'none', source: 'return' } as Value;
      if (!st.dead) fr.returns.push(v);
      else fr.deadReturns?.push(v);
      fr.returned?.set(st, v);
      st.done = true;
      return [st];
    }
    case 'raise_statement': st.done = true; return [st];
    case 'import_statement': case 'import_from_statement':
      e.runImport(stmt, st, fr);
      return [st];
    case 'function_definition': case 'class_definition': case 'decorated_definition': {
      const def = stmt.type === 'decorated_definition' ? field(stmt, 'definition') ?? stmt : stmt;
      const name = field(def, 'name');
      // A nested `def` is a closure (its decorators not applied); a nested class is not followed.
      if (name) st.env.set(textOf(name), def.type === 'function_definition' ? closureValue(def, st, fr, (n) => evaluate(n, st, fr, e)) : UNKNOWN(`\`${textOf(name)}\``));
      return [st];
    }
    default: return [st];
  }
}

/** A loop's body, walked once, counted as running in a loop (Frame.loops). */
function inLoop(fr: Frame, run: () => PathState[]): PathState[] {
  fr.loops = (fr.loops ?? 0) + 1;
  try {
    return run();
  } finally {
    fr.loops -= 1;
  }
}

function expression(expr: SyntaxNode, st: PathState, fr: Frame, e: Executor): void {
  if (expr.type === 'yield') {
    // In a `@contextmanager` generator: what a `with` over it runs in, and what `as` binds.
    if (!fr.yields) return;
    const value = namedChildren(expr)[0];
    const v = value ? evaluate(value, st, fr, e) : { t: 'none', source: `\`yield\` at ${fileLine(fr, expr)}` } as Value;
    if (!st.dead) fr.yields.push({ ctx: st.ctx, value: v, assume: new Map(st.assume), assumeText: new Map(st.assumeText) });
    return;
  }
  if (expr.type === 'assignment') {
    // `sos = cond = embed(labels)` binds every target to the one value.
    const targets: SyntaxNode[] = [];
    let value: SyntaxNode | undefined = expr;
    while (value?.type === 'assignment') {
      const left = field(value, 'left');
      if (left) targets.push(left);
      value = field(value, 'right');
    }
    if (!value) return;
    const v = evaluate(value, st, fr, e);
    for (const left of targets) bind(left, v, st, fr, e);
    return;
  }
  if (expr.type === 'augmented_assignment') {
    const left = field(expr, 'left'); const right = field(expr, 'right');
    if (left?.type === 'identifier' && right) {
      const before = evaluate(left, st, fr, e); const add = evaluate(right, st, fr, e);
      const op = textOf(field(expr, 'operator')!);
      st.env.set(textOf(left), before.t === 'num' && add.t === 'num' && op === '+=' ? { ...before, value: before.value + add.value }
        : before.t === 'tensor' ? inPlace(op, before, { value: add, node: right }, left, st, fr, expr) : UNKNOWN(`\`${textOf(left)}\``));
    }
    return;
  }
  if (registerBuffer(expr, st, fr, e) || e.superInit(expr, st, fr)) return;
  const result = evaluate(expr, st, fr, e);
  // `model.eval()` / `model.train()` switch the mode of the rest of this path; `enable_*_sdp(…)` an SDPA backend.
  if (expr.type === 'call') {
    const sdpa = statementSwitches(expr, st, fr, e);
    if (sdpa) st.ctx = { ...st.ctx, sdpa };
    const backend = statementBackend(expr, st, fr, e);
    if (backend) st.ctx = { ...st.ctx, diffusersBackend: backend };
    const fnNode = field(expr, 'function');
    const method = fnNode?.type === 'attribute' ? textOf(field(fnNode, 'attribute')!) : '';
    // `model.half()` / `model.to(torch.bfloat16)` as a statement: nn.Module's casts work in place (and
    // return the module), so the name holds the cast module from here on. Only the name cast is
    // rebound: another name for the same module is not seen changing.
    const target = fnNode?.type === 'attribute' ? field(fnNode, 'object') : undefined;
    if (target?.type === 'identifier' && (result.t === 'instance' || result.t === 'torchmod') && result.cast) bind(target, result, st, fr, e);
    const args = field(expr, 'arguments');
    const noArgs = !args || namedChildren(args).length === 0;
    if ((method === 'eval' && noArgs) || (method === 'train' && (noArgs || /True/.test(textOf(args!))))) {
      const mode: Mode = method === 'eval' ? 'infer' : 'train';
      st.ctx = { ...st.ctx, mode: known(mode, `\`${textOf(expr)}\` at ${fileLine(fr, expr)}`), modeAssumed: false };
    }
  }
}

/** `self.register_buffer('name', tensor)` makes `self.name` that tensor. */
function registerBuffer(expr: SyntaxNode, st: PathState, fr: Frame, e: Executor): boolean {
  const fnNode = expr.type === 'call' ? field(expr, 'function') : undefined;
  if (fnNode?.type !== 'attribute' || textOf(field(fnNode, 'attribute')!) !== 'register_buffer') return false;
  const list = field(expr, 'arguments');
  const [nameNode, valueNode] = list ? namedChildren(list) : [];
  const obj = field(fnNode, 'object');
  if (!nameNode || !valueNode || nameNode.type !== 'string' || obj?.type !== 'identifier') return false;
  const name = textOf(nameNode).slice(1, -1);
  const given = evaluate(valueNode.type === 'keyword_argument' ? field(valueNode, 'value')! : valueNode, st, fr, e);
  // A buffer is module state: a cast of the module (`model.half()`) casts it when it is floating-point
  // (a known dtype; a bool or integer buffer, or one of unknown dtype, is left as it is).
  const v = isTensor(given) && !given.bool && given.dtype.known ? { ...given, param: true } : given;
  st.env.set(`${textOf(obj)}.${name}`, v);
  if (textOf(obj) === 'self') st.selfAttrs.set(name, v);
  return true;
}

/** Assign a value to a target: a name, `self.x`, or a tuple pattern. */
function bind(target: SyntaxNode, v: Value, st: PathState, fr: Frame, e: Executor): void {
  switch (target.type) {
    // A script's variables are no function's: its calls' results are kept across runs, whose module frames differ.
    case 'identifier': {
      // A path the facts rule out binds nothing others could read.
      if (!st.dead && declaredGlobals(fr.fn).has(textOf(target))) e.rebindGlobal(textOf(target), v, fr);
      st.env.set(textOf(target), fr.fn.name === '<module>' ? v : bindUnknown(v, fr));
      return;
    }
    case 'attribute': {
      const obj = field(target, 'object'); const attr = field(target, 'attribute');
      if (obj?.type === 'identifier' && attr) {
        st.env.set(`${textOf(obj)}.${textOf(attr)}`, v);
        if (textOf(obj) === 'self') st.selfAttrs.set(textOf(attr), v);
        if (textOf(obj) === 'self' && !st.dead) e.rebindAttribute(textOf(attr), v, fr);
      }
      return;
    }
    case 'pattern_list': case 'tuple_pattern': case 'list_pattern': case 'expression_list': case 'tuple': case 'list':
      for (const [t, item] of unpacked(target, v)) bind(t, item, st, fr, e);
      return;
    case 'subscript': assignItem(target, v, st, fr, e); return;
    default: return;
  }
}

/**
 * `x op= y` on a tensor: `x op y` kept in x's dtype (an in-place op does not promote); on hand-written
 * attention scores, `scores += bias` masks them as `scores = scores + bias` does.
 */
function inPlace(op: string, before: TensorValue, operand: { value: Value; node: SyntaxNode }, left: SyntaxNode, st: PathState, fr: Frame, expr: SyntaxNode): Value {
  const out = tensorArithmetic(op.slice(0, -1), { value: before, node: left }, operand, st, fr, expr);
  return isTensor(out) ? { ...out, dtype: before.dtype } : out;
}

/** Conditions one path may assume before an undetermined one no longer forks it. */
const MAX_ASSUMED = 12;

/** A fork of the path that assumes an undetermined condition's atom true or false. */
function assuming(st: PathState, atom: { readonly id: string; readonly text: string }, value: boolean): PathState {
  const forked = forkState(st);
  forked.assume.set(atom.id, value);
  forked.assumeText.set(atom.id, value ? atom.text : negatedText(atom.text));
  return forked;
}

/**
 * The forks of a path on an open atom: assuming it true and false, or, for one value of an unknown
 * with a few (value-cases.ts), one fork per value, each assuming its value and no other.
 */
function forksOn(st: PathState, atom: Extract<Formula, { op: 'atom' }>): PathState[] {
  const cases = atom.cases;
  if (!cases) return [true, false].map((value) => assuming(st, atom, value));
  return cases.map((picked) => {
    const forked = forkState(st);
    for (const c of cases) forked.assume.set(c.id, c === picked);
    forked.assumeText.set(picked.id, picked.text);
    return forked;
  });
}

function execIf(branches: readonly IfBranch[], i: number, st: PathState, fr: Frame, e: Executor): PathState[] {
  if (i >= branches.length) return [st];
  const { cond, body } = branches[i];
  if (!cond) return execBlock(body, [st], fr, e);
  const t = truth(cond, st, fr, e);
  const outcome = decide(t, st);
  if (outcome === undefined && 'f' in t) {
    const open = openAtom(t.f, st.assume);
    if (open && st.assume.size < MAX_ASSUMED) return forksOn(st, open).flatMap((forked) => execIf(branches, i, forked, fr, e));
    const inside = execBlock(body, [forkState(st)], fr, e);
    return [...inside, ...execIf(branches, i + 1, st, fr, e)];
  }
  // A condition this path settled earlier (it forked on the same fact): which way, and that it is a case.
  const why = 'f' in t ? `\`${oneLineText(cond)}\` is ${evalFormula(t.f, st.assume) ? 'True' : 'False'} (a case this path took)` : t.why;
  // The library attention calls of the side the path takes (dead-fast-path asks whether it loses the library).
  const taken = outcome ? body : branches.slice(i + 1).flatMap((b) => b.body);
  let probe: PathState | undefined;
  const alongside = libraryCallsIn(cond, outcome!, taken, (callee) => evaluate(callee, probe ??= forkState(st), fr, e));
  const guard: Guard = { node: cond, taken: outcome!, why, ...(alongside.length > 0 ? { alongside } : {}) };
  if (outcome) {
    walkDead(branches.slice(i + 1), st, fr, guard, e);
    // Without an `else`, what follows the `if` is the side the facts rule out for the paths this body ends
    // (not where the path only assumed the condition: its other fork runs what follows). A path already
    // dead (a function only ruled-out branches call) walks it too, under its own guard: its calls there
    // are found, not reached for the first reason.
    const entry = branches.length === i + 1 && !('f' in t) ? forkState(st) : undefined;
    narrowOnNone(cond, true, st);
    const out = execBlock(body, [st], fr, e);
    if (entry) for (const s of out) if (s.done) s.endedBy = { entry, guard };
    return out;
  }
  walkDead([branches[i]], st, fr, guard, e);
  narrowOnNone(cond, false, st);
  return execIf(branches, i + 1, st, fr, e);
}

/**
 * A path that took a side of `if x is not None:` knows which x it has: a value that is None or
 * something (an optional input) is that something on one side and None on the other, from there on.
 */
function narrowOnNone(cond: SyntaxNode, holds: boolean, st: PathState): void {
  const test = noneTest(cond);
  const v = test && st.env.get(test.name);
  if (!test || v?.t !== 'unknown' || !v.orNone) return;
  st.env.set(test.name, holds === test.isNone ? { t: 'none', source: `\`${textOf(cond)}\`` } : v.orNone);
}

/** `x is None` / `x is not None` (or `==`, `!=`): the name tested and which way. */
function noneTest(cond: SyntaxNode): { readonly name: string; readonly isNone: boolean } | undefined {
  if (cond.type === 'parenthesized_expression') return namedChildren(cond).length === 1 ? noneTest(namedChildren(cond)[0]!) : undefined;
  const cmp = binaryComparison(cond);
  if (!cmp || cmp.left.type !== 'identifier' || cmp.right.type !== 'none') return undefined;
  if (cmp.op === 'is' || cmp.op === '==') return { name: textOf(cmp.left), isNone: true };
  if (cmp.op === 'is not' || cmp.op === '!=') return { name: textOf(cmp.left), isNone: false };
  return undefined;
}

/**
 * The statements after an `if` whose decided branch ended a path (`stmts` from `from` on): walked once
 * as dead (see `PathState.endedBy`). Called after every statement: the rest is copied out only when walked.
 */
function walkRestDead(stmts: readonly SyntaxNode[], from: number, states: readonly PathState[], fr: Frame, e: Executor): void {
  const ended = states.find((s) => s.endedBy)?.endedBy;
  for (const s of states) delete s.endedBy;
  // Not at a module's top level: that ends early only where an import raises or the code is broken (a
  // `return` outside a function), and what follows is not the module's.
  if (ended && from < stmts.length && fr.fn.name !== '<module>') walkDead([{ cond: null, body: stmts.slice(from) }], ended.entry, fr, ended.guard, e);
}

/** Walk branches the facts rule out, so calls there are observed as dead (and explained). */
function walkDead(branches: readonly IfBranch[], st: PathState, fr: Frame, guard: Guard, e: Executor): void {
  for (const b of branches) {
    const dead = forkState(st);
    dead.dead ??= guard;
    keepFixesSafe(st, execBlock(b.body, [dead], { ...fr, returns: [], deadReturns: fr.deadReturns ??= [] }, e));
  }
}

/**
 * `exec(open('configurator.py').read())` at a module's top level (nanoGPT's configurator): the code it
 * runs may rebind any of the module's variables (from the command line or a config file), so the
 * values set before it are no longer facts.
 */
function forgetExecuted(stmt: SyntaxNode, st: PathState, fr: Frame): void {
  const call = namedChildren(stmt)[0];
  const callee = call?.type === 'call' ? field(call, 'function') : undefined;
  if (!callee || callee.type !== 'identifier' || textOf(callee) !== 'exec') return;
  const where = `\`exec(…)\` at ${fileLine(fr, call!)}`;
  for (const name of [...st.env.keys()]) {
    const v = st.env.get(name)!;
    // Imports, functions and classes are not what a configurator sets.
    if (v.t === 'ref' || v.t === 'fn' || v.t === 'class' || name.includes('.')) continue;
    st.env.set(name, UNKNOWN(`\`${name}\`, which ${where} may set`));
  }
}

function execWith(stmt: SyntaxNode, st: PathState, fr: Frame, e: Executor): PathState[] {
  const outer = st.ctx;
  const clause = stmt.children.find((c) => c.type === 'with_clause');
  const items = clause ? namedChildren(clause) : [];
  for (const [i, item] of items.entries()) {
    const value = field(item, 'value');
    const managerNode = value?.type === 'as_pattern' ? namedChildren(value)[0] : value;
    // A call makes a library context manager, or runs a workspace function that makes one (a
    // `@contextmanager` generator, to its `yield`); a name (`with ctx:`) holds one made earlier.
    // An instance of a workspace class is entered by running its `__enter__` here.
    const held = managerNode && managerNode.type !== 'call' ? evaluate(managerNode, st, fr, e) : undefined;
    const manager = managerNode?.type === 'call' ? contextOfWithCall(managerNode, st, fr, e)
      : held?.t === 'context' ? enteredThrough(held, managerNode!, fr)
        : held?.t === 'instance' ? enteredInstance(held, managerNode!, st, fr, e) : undefined;
    // The last manager is one of several a condition picks: the body runs once per case, on the path that assumes it.
    const cases = i === items.length - 1 && manager?.cases ? casePaths(manager.cases, st) : undefined;
    if (cases) return cases.flatMap(([s, context]) => { enterItem(value, context, s, fr, e); return withBody(stmt, outer, s, fr, e); });
    enterItem(value, manager, st, fr, e);
  }
  return withBody(stmt, outer, st, fr, e);
}

function enterItem(value: SyntaxNode | null | undefined, manager: ContextValue | undefined, st: PathState, fr: Frame, e: Executor): void {
  if (manager) st.ctx = enterContext(st.ctx, manager);
  if (value?.type !== 'as_pattern') return;
  const alias = value.children.find((c) => c.field === 'alias');
  const target = alias ? namedChildren(alias)[0] ?? alias : undefined;
  if (target) bind(target, manager?.yields ?? UNKNOWN(`\`${textOf(target)}\``), st, fr, e);
}

function withBody(stmt: SyntaxNode, outer: Ctx, st: PathState, fr: Frame, e: Executor): PathState[] {
  // An `enable_*_sdp` statement in the body outlives it, unless the `with` is an SDPA region: those restore the flags.
  const sdpaRegion = st.ctx.sdpa !== outer.sdpa;
  const body = field(stmt, 'body');
  const out = body ? execBlock(body.children, [st], fr, e) : [st];
  for (const s of out) s.ctx = sdpaRegion || s.ctx.sdpa === outer.sdpa ? outer : { ...outer, sdpa: s.ctx.sdpa };
  return out;
}

/**
 * The paths on which each case of a context manager is the one entered: the path forked on the
 * condition that picks it (`device_type == 'cpu'`), as an `if` would. Undefined where the path
 * settles no case and cannot fork (too many assumptions already): the joined manager is entered.
 */
function casePaths(cases: NonNullable<ContextValue['cases']>, st: PathState): [PathState, ContextValue][] | undefined {
  const out: [PathState, ContextValue][] = [];
  for (const c of cases) {
    const settled = evalFormula(c.when, st.assume);
    if (settled === false) continue;
    if (settled === true) return c.context.cases ? casePaths(c.context.cases, st) : [[st, c.context]];
    const open = openAtom(c.when, st.assume);
    if (!open || st.assume.size >= MAX_ASSUMED) return undefined;
    const picked = forksOn(st, open).filter((forked) => evalFormula(c.when, forked.assume) === true);
    // A condition one atom does not settle (`a and b`): the joined manager stands.
    if (picked.length === 0) return undefined;
    for (const forked of picked) {
      // A case that is itself a choice (autocast on, in a dtype the code picks): its cases too.
      const inner = c.context.cases ? casePaths(c.context.cases, forked) : [[forked, c.context] as [PathState, ContextValue]];
      if (!inner) return undefined;
      out.push(...inner);
    }
  }
  return out.length > 0 ? out : undefined;
}

/** `try: import x / except ImportError:` splits the path on whether the library is installed. */
function execTry(stmt: SyntaxNode, st: PathState, fr: Frame, e: Executor): PathState[] {
  const body = field(stmt, 'body');
  if (!body) return [st];
  const lib = catchesImportError(stmt) ? body.children.flatMap((s) => (s.type.startsWith('import') ? importBindings(s) : []))[0]?.[1].split('.')[0] : undefined;
  const finallyBlock = stmt.children.find((c) => c.type === 'finally_clause');
  const finish = (states: PathState[]): PathState[] => {
    const fb = finallyBlock && namedChildren(finallyBlock).find((c) => c.type === 'block');
    return fb ? execBlock(fb.children, states, fr, e) : states;
  };
  if (!lib) return finish(execBlock(body.children, [st], fr, e));
  const installed = lib === 'flash_attn' ? e.settings.installed.flash_attn : lib === 'xformers' ? e.settings.installed.xformers : null;
  const handlers = stmt.children.filter((c) => c.type === 'except_clause');
  const runExcept = (s: PathState): PathState[] => handlers.slice(0, 1).flatMap((h) => {
    const block = namedChildren(h).find((c) => c.type === 'block');
    return block ? execBlock(block.children, [s], fr, e) : [s];
  });
  const id = `installed:${lib}`;
  const decided = installed ?? st.assume.get(id);
  if (decided === true) return finish(execBlock(body.children, [st], fr, e));
  if (decided === false) return finish(runExcept(st));
  const yes = forkState(st); yes.assume.set(id, true); yes.assumeText.set(id, `${lib} is installed`);
  const no = forkState(st); no.assume.set(id, false); no.assumeText.set(id, `${lib} is not installed`);
  return finish([...execBlock(body.children, [yes], fr, e), ...runExcept(no)]);
}

interface IfBranch { readonly cond: SyntaxNode | null; readonly body: readonly SyntaxNode[] }

function ifBranches(stmt: SyntaxNode): IfBranch[] {
  const out: IfBranch[] = [{ cond: field(stmt, 'condition') ?? null, body: field(stmt, 'consequence')?.children ?? [] }];
  for (const alt of stmt.children.filter((c) => c.field === 'alternative')) {
    if (alt.type === 'elif_clause') out.push({ cond: field(alt, 'condition') ?? null, body: field(alt, 'consequence')?.children ?? [] });
    else out.push({ cond: null, body: field(alt, 'body')?.children ?? [] });
  }
  return out;
}
