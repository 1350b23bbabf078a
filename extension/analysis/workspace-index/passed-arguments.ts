/**
 * Which parameters the workspace's calls of a class pass (`Net(use_flash=cfg.flash)`, `Attention(dim, 8)`):
 * an instance built for a method run with no caller takes a parameter's default only where no call
 * passes it, since the instances the files build may all pass another value. Syntax only.
 */
import { fileMark } from '../syntax/file-labels';
import { lineMark } from '../syntax/positions';
import { field, namedChildren, oneLineText, textOf, type SyntaxNode, type Unit } from '../syntax/syntax';
import type { ModuleInfo, Param } from './module-index';

interface CallShape {
  readonly node: SyntaxNode;
  readonly positional: number;
  /** The keyword arguments' text by name (`use_flash=cfg.flash`). */
  readonly keywords: ReadonlyMap<string, string>;
  /** `*xs` / `**kw` at the call: any positional / any keyword parameter may be passed. */
  readonly anyPositional: boolean;
  readonly anyKeyword: boolean;
}

/** The calls in each unit, by the name called (`Net` for `Net(…)` and `models.Net(…)`); units are immutable. */
const CALLS = new WeakMap<Unit, Map<string, CallShape[]>>();

function callsOf(unit: Unit): Map<string, CallShape[]> {
  let calls = CALLS.get(unit);
  if (calls) return calls;
  CALLS.set(unit, calls = new Map());
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'call') {
      const fn = field(node, 'function');
      const name = fn?.type === 'identifier' ? textOf(fn) : fn?.type === 'attribute' ? textOf(field(fn, 'attribute')!) : undefined;
      const args = field(node, 'arguments');
      if (name && args?.type === 'argument_list') {
        const items = namedChildren(args);
        const shape: CallShape = {
          node,
          positional: items.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat').length,
          keywords: new Map(items.filter((a) => a.type === 'keyword_argument').map((a) => [textOf(field(a, 'name')!), oneLineText(a)])),
          anyPositional: items.some((a) => a.type === 'list_splat'),
          anyKeyword: items.some((a) => a.type === 'dictionary_splat'),
        };
        const list = calls!.get(name);
        if (list) list.push(shape); else calls!.set(name, [shape]);
      }
    }
    for (const c of node.children) visit(c);
  };
  visit(unit.root);
  return calls;
}

/** Where a name is called: a unit and its module. */
interface Caller { readonly module: ModuleInfo; readonly unit: Unit }

/**
 * The units of a set of modules that call each name (`Net(…)` or `x.Net(…)`), in module and unit order.
 * Each module's units by name are read once (a module is replaced when its file changes), so a run
 * after an edit reads the edited module's units only; a name is looked up in each module once a run.
 */
export class CallersIndex {
  private readonly byName = new Map<string, readonly Caller[]>();

  constructor(private readonly modules: readonly ModuleInfo[]) {}

  of(name: string): readonly Caller[] {
    let callers = this.byName.get(name);
    if (!callers) {
      callers = this.modules.flatMap((module) => (unitsCalling(module).get(name) ?? []).map((unit) => ({ module, unit })));
      this.byName.set(name, callers);
    }
    return callers;
  }
}

const UNITS_CALLING = new WeakMap<ModuleInfo, ReadonlyMap<string, readonly Unit[]>>();

/** A module's units that call each name, in unit order. */
function unitsCalling(module: ModuleInfo): ReadonlyMap<string, readonly Unit[]> {
  let byName = UNITS_CALLING.get(module);
  if (!byName) {
    const found = new Map<string, Unit[]>();
    for (const unit of module.units) {
      for (const called of unit.called) {
        const name = called.replace(/^\./, '');
        const units = found.get(name);
        if (!units) found.set(name, [unit]);
        else if (units[units.length - 1] !== unit) units.push(unit);
      }
    }
    UNITS_CALLING.set(module, byName = found);
  }
  return byName;
}

/**
 * Per parameter with a default that some call of `className` passes: the first such call, and where it is, as
 * `` `Net(use_flash=cfg.flash)` at build.py:12 `` (`` `Net(…)` `` where it passes it by position or unpacked). `params` are the constructor's, `self` left out.
 */
export function passedDefaults(callers: CallersIndex, className: string, params: readonly Param[]): Map<string, { readonly where: string; readonly call: SyntaxNode }> {
  const passed = new Map<string, { readonly where: string; readonly call: SyntaxNode }>();
  const named = params.filter((p) => !p.marker && !p.collects);
  // After a bare `*` or `*args`, parameters are passed by keyword only.
  const star = params.findIndex((p) => (p.marker && p.name === '*') || p.collects === 'positional');
  const keywordOnly = new Set(star < 0 ? [] : params.slice(star).map((p) => p.name));
  for (const { module, unit } of callers.of(className)) {
    for (const call of callsOf(unit).get(className) ?? []) {
      named.forEach((p, index) => {
        if (!p.default || passed.has(p.name)) return;
        const byPosition = !keywordOnly.has(p.name) && (index < call.positional || call.anyPositional);
        const keyword = call.keywords.get(p.name);
        if (byPosition || keyword || call.anyKeyword) passed.set(p.name, { where: `\`${className}(${keyword ?? '…'})\` at ${fileMark(module.path)}:${lineMark(call.node)}`, call: call.node });
      });
    }
  }
  return passed;
}
