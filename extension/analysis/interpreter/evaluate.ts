/**
 * Expressions → abstract values: dtypes through casts, `.to(…)`, autocast op lists and promotion;
 * shapes through view/reshape/permute/transpose/unbind; conditions as booleans or formulas over
 * unknown atoms; calls dispatched to torch functions and tensor methods here, to torch.nn modules
 * (nn-modules.ts), to attention APIs (observe-api.ts) and to the stages of hand-written attention
 * (manual-attention.ts).
 */
import { parseDtype } from '../../../runtime/dispatch/dtype';
import type { Dtype, Fact } from '../../../runtime/dispatch/facts';
import { availabilityCheck, combine, decide, fromTruth, isNone, negate, truthOfValue } from './conditions';
import { arg, fileLine, inputUsed, type CallArg, type CallArgs, type Engine } from '../values/engine';
import { broadcastShape, complexViewShape, creationShape, triangularOf, dimOf, indexedLastDim, indexedShape, joinedExtents, RANK_CHANGES, rankChangeShape, REDUCTIONS, reducedExtents, repeatInterleaveShape, reshape, sizeOf, sizesOf, splitCount, splitLastDim, splitShape, keptLastDim, transposeAttribute, type IndexItem } from '../torch/shapes';
import type { Frame, PathState } from '../values/state';
import { binaryComparison, field, namedChildren, oneLineText, textOf, type SyntaxNode } from '../syntax/syntax';
import {
  AUTOCAST_FLOAT32, AUTOCAST_LOW, AUTOCAST_WIDEST, BINARY, CASTS, CREATES, CREATES_LIKE, CREATES_NEW, opName, SAME_DTYPE, SAME_SHAPE, SPLITS,
} from '../torch/torch-ops';
import {
  atom, choiceOf, describe, equal, evalFormula, integerDtype, integerDtypeName, isIntegerDtype, isTensor, join, joinContexts, joinTensors, noneOr, sameValue, tensorMethodReceiver, usedAsValue, type Dim, type Formula, type TensorValue, known, modeName, sameExtents, tensor, unknown, UNKNOWN, type Truth, type Value,
} from '../values/values';
import { attentionApiOf, workspaceApiOf } from '../values/attention-apis';
import { apexNormCall } from '../torch/apex-norms';
import { paddingCall } from '../torch/bert-padding';
import { rearrangeShape } from '../torch/einops';
import { PATTERNS, unpacked } from './unpacking';
import { partialArgs, wrapperCall } from '../torch/wrappers';
import { compiledCall } from './torch-compile';
import { amongItems, equalsCase, hasDomain, type WithDomain } from './value-cases';
import { closureValue } from './closures';
import { literalTooLong, MAX_LITERAL_ITEMS } from './budget';
import { containerMethod, dictEntry, dictKey, isStringKey, keyValue, MUTATORS, setItem } from './containers';
import { contextValue, enterCalled } from './contexts';
import { autocastQuery } from '../torch/autocast-queries';
import { deviceQuery } from '../torch/device-queries';
import { numericBuiltin } from './numeric-builtins';
import { callPrepared, frameworkAttribute, frameworkCall } from './frameworks';
import { baddbmm, CHAIN_METHODS, dropoutStage, einsum, matmul, opaqueStage, scaleStage, softmax, STAGE_METHODS, throughOpaqueCall, withMask } from '../torch/manual-attention';
import { functionalRmsNorm, moduleCall, moduleCast, MODULE_METHODS, nnConstructor, sequentialItem } from '../torch/nn-modules';
import { openLayerCall } from '../torch/open-layers';
import { importedLibrary, observeApi } from '../torch/observe-api';
import { appliedLikeModel, makesLibraryObject } from '../torch/model-calls';
import { onInteger, opDtype, inputsDtype } from '../torch/op-dtypes';

/** Method names that only tensors have: an unknown receiver of one of them is a tensor. */
/** Casts to an integer dtype (`.long()`), which `Dtype` does not name. */
const INTEGER_CASTS: Readonly<Record<string, string>> = { long: 'int64', int: 'int32', short: 'int16', byte: 'uint8', char: 'int8' };

const TENSOR_METHODS = new Set([...SAME_DTYPE, ...SPLITS, ...BINARY, ...Object.keys(CASTS), ...Object.keys(INTEGER_CASTS), ...AUTOCAST_FLOAT32, ...CREATES_NEW, 'to', 'type', 'type_as', 'bool', 'softmax', 'matmul', 'bmm']);

/**
 * `[body for target in iterable]` / `(… for …)` with one `for` and no `if`: the body evaluated with
 * the target bound to each item, so `q, k, v = (t.transpose(1, 2) for t in (q, k, v))` keeps each one's
 * facts. Other comprehensions: any number of items like the body (the target unknown).
 */
function comprehension(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  const body = field(node, 'body');
  if (!body) return UNKNOWN(textOf(node));
  const clauses = namedChildren(node).filter((c) => c !== body);
  const loop = clauses.length === 1 && clauses[0]!.type === 'for_in_clause' ? clauses[0]! : undefined;
  const target = loop && field(loop, 'left');
  const right = loop && field(loop, 'right');
  if (!target || !right) return { t: 'many', item: evaluate(body, st, fr, e) };
  return eachItem(target, body, evaluate(right, st, fr, e), st, fr, e);
}

/**
 * `body` with `target` bound to each item of `iterable` (a name, or names unpacked from the item:
 * `for lin, x in zip(…)`): a tuple stays a tuple. The loop variables are the comprehension's own:
 * bound for the body, then restored.
 */
function eachItem(target: SyntaxNode, body: SyntaxNode, iterable: Value, st: PathState, fr: Frame, e: Engine): Value {
  const names = namesIn(target);
  const assign = (t: SyntaxNode, v: Value): void => {
    if (t.type === 'identifier') st.env.set(textOf(t), v);
    else if (PATTERNS.has(t.type)) for (const [inner, item] of unpacked(t, v)) assign(inner, item);
  };
  const run = (item: Value): Value => {
    const saved = names.map((n) => [n, st.env.get(n)] as const);
    for (const n of names) st.env.set(n, UNKNOWN(`\`${n}\``));
    assign(target, item);
    try {
      return evaluate(body, st, fr, e);
    } finally {
      for (const [n, v] of saved) { if (v === undefined) st.env.delete(n); else st.env.set(n, v); }
    }
  };
  if (iterable.t === 'tuple') return { t: 'tuple', items: iterable.items.map(run) };
  return { t: 'many', item: run(iterable.t === 'many' ? iterable.item : UNKNOWN(`the items of ${describeIterable(iterable)}`)) };
}

function namesIn(pattern: SyntaxNode): string[] {
  return pattern.type === 'identifier' ? [textOf(pattern)] : pattern.children.flatMap(namesIn);
}

function describeIterable(v: Value): string {
  return v.t === 'unknown' ? v.why : `a ${v.t}`;
}

/** Evaluate an expression on one path. */
export function evaluate(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  switch (node.type) {
    case 'identifier': return lookup(textOf(node), st, fr, e);
    case 'integer': { const n = numberOf(textOf(node)); return Number.isFinite(n) ? { t: 'num', value: n, source: fileLine(fr, node), int: true } : UNKNOWN(textOf(node)); }
    case 'float': return { t: 'num', value: numberOf(textOf(node)), source: fileLine(fr, node) };
    case 'true': return { t: 'bool', value: true, why: `True at ${fileLine(fr, node)}` };
    case 'false': return { t: 'bool', value: false, why: `False at ${fileLine(fr, node)}` };
    case 'none': return { t: 'none', source: `None at ${fileLine(fr, node)}` };
    case 'string': case 'concatenated_string': return { t: 'str', value: textOf(node).replace(/^[rbuf]*['"]+|['"]+$/gi, '') };
    case 'parenthesized_expression': { const inner = namedChildren(node)[0]; return inner ? evaluate(inner, st, fr, e) : UNKNOWN('()'); }
    case 'tuple': case 'list': case 'expression_list': case 'pattern_list': return sequence(node, st, fr, e);
    case 'list_comprehension': case 'generator_expression': return comprehension(node, st, fr, e);
    case 'attribute': return attribute(node, st, fr, e);
    case 'call': return call(node, st, fr, e);
    case 'binary_operator': return binary(node, st, fr, e);
    case 'unary_operator': {
      const v = evaluate(field(node, 'argument')!, st, fr, e);
      const op = textOf(field(node, 'operator')!);
      if (v.t === 'num') return { ...v, value: op === '-' ? -v.value : v.value };
      return v.t === 'tensor' ? (op === '~' ? tensor(unknown('a bool tensor'), v.origin, { bool: true, shape: v.shape, ...triangularOf(v) }) : v) : UNKNOWN(textOf(node));
    }
    case 'not_operator': return fromTruth(negate(truth(field(node, 'argument')!, st, fr, e)));
    case 'comparison_operator': {
      // `attn_bias is None`: identity and membership are Python's, whatever the operands.
      const op = binaryComparison(node)?.op;
      if (op === 'is' || op === 'is not' || op === 'in' || op === 'not in') return fromTruth(truth(node, st, fr, e));
      // `mask > 0` or `0 < mask`: a tensor on either side makes a bool tensor.
      const operands = namedChildren(node);
      const first = operands[0] ? evaluate(operands[0], st, fr, e) : undefined;
      const last = operands.length === 2 && first && !isTensor(first) ? evaluate(operands[1]!, st, fr, e) : undefined;
      const compared = first && isTensor(first) ? first : last && isTensor(last) ? last : undefined;
      if (compared) return tensor(unknown('a bool tensor'), `\`${textOf(node)}\` at ${fileLine(fr, node)}`, { bool: true, shape: compared.shape, ...triangularOf(compared) });
      return fromTruth(truth(node, st, fr, e));
    }
    case 'boolean_operator': return booleanValue(node, st, fr, e);
    case 'conditional_expression': {
      const [a, cond, b] = namedChildren(node);
      if (!a || !cond || !b) return UNKNOWN(textOf(node));
      const condition = truth(cond, st, fr, e);
      const t = decide(condition, st);
      if (t === true) return evaluate(a, st, fr, e);
      if (t === false) return evaluate(b, st, fr, e);
      const va = evaluate(a, st, fr, e); const vb = evaluate(b, st, fr, e);
      return joinConditional(va, vb, oneLineText(cond), 'f' in condition ? [condition.f, { op: 'not', a: condition.f }] : undefined);
    }
    case 'subscript': return subscript(node, st, fr, e);
    case 'dictionary': return dictionary(node, st, fr, e);
    case 'lambda': return closureValue(node, st, fr, (n) => evaluate(n, st, fr, e));
    default: return UNKNOWN(`\`${textOf(node)}\``);
  }
}

/** A Python number literal's value (`1_000` has separators JavaScript's Number does not read). */
function numberOf(literal: string): number {
  return Number(literal.includes('_') ? literal.replaceAll('_', '') : literal);
}

/**
 * `(a, b)` / `[a, b]`: a tuple of the items; `*xs` spreads a known tuple (`(*input_shape, -1, d)`),
 * and one of unknown length leaves the length, and so the whole, unknown.
 */
function sequence(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  const items: Value[] = [];
  let open: string | undefined;
  const children = namedChildren(node);
  if (children.length > MAX_LITERAL_ITEMS) return UNKNOWN(literalTooLong(children.length, fileLine(fr, node)));
  for (const c of children) {
    if (c.type !== 'list_splat') { items.push(evaluate(c, st, fr, e)); continue; }
    const inner = namedChildren(c)[0];
    const v = inner ? evaluate(inner, st, fr, e) : UNKNOWN(textOf(c));
    if (v.t === 'tuple') items.push(...v.items);
    else open ??= `\`${textOf(c)}\` (${v.t === 'unknown' ? v.why : `a ${v.t}`})`;
  }
  return open ? UNKNOWN(`the length of \`${textOf(node)}\`: ${open}`) : { t: 'tuple', items };
}

/** `a if cond else b` where the path does not settle `cond`; `when`: the formulas that pick a and b, where cond is one. */
function joinConditional(a: Value, b: Value, cond: string, when?: readonly [Formula, Formula]): Value {
  const same = sameValue(a, b);
  if (same) return same;
  if (a.t === 'context' && b.t === 'context') {
    const joined = joinContexts(a, b, `\`${cond}\``);
    return when ? { ...joined, cases: [{ when: when[0], context: a }, { when: when[1], context: b }] } : joined;
  }
  const either = choiceOf([a, b], `\`${cond}\``, when) ?? noneOr(a, b, `\`${cond}\``);
  if (either) return either;
  if (a.t === 'tensor' && b.t === 'tensor') {
    // Joined as paths are: a helper's `scores if mask is None else scores + mask` returns the scores.
    // Without them the live path saw no attention call, and the dead walk of the same branch (where the
    // call passes its scores through unrun) was the only one that did: the call read "not reached".
    const dt = a.dtype.known && b.dtype.known && a.dtype.value === b.dtype.value ? a.dtype : unknown(`\`${cond}\``);
    return joinTensors(a, b, dt);
  }
  return UNKNOWN(`\`${cond}\``);
}

function lookup(name: string, st: PathState, fr: Frame, e: Engine): Value {
  const local = st.env.get(name);
  if (local) return local;
  return e.global(name, fr) ?? UNKNOWN(`\`${name}\``);
}

/** `{'mask': m, **other}` with string keys; anything else is unknown. */
function dictionary(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  const entries = new Map<string, Value>();
  let known = true;
  const children = namedChildren(node);
  if (children.length > MAX_LITERAL_ITEMS) return UNKNOWN(literalTooLong(children.length, fileLine(fr, node)));
  for (const c of children) {
    const key = c.type === 'pair' ? evaluate(field(c, 'key')!, st, fr, e) : undefined;
    const v = evaluate(c.type === 'pair' ? field(c, 'value')! : namedChildren(c)[0] ?? c, st, fr, e);
    const kept = key && dictKey(key);
    if (kept !== undefined) entries.set(kept, v);
    else if (c.type === 'dictionary_splat' && v.t === 'dict') for (const [k, item] of v.entries) entries.set(k, item);
    else known = false;
  }
  return known ? { t: 'dict', entries: [...entries] } : UNKNOWN(`\`${textOf(node)}\``);
}

/** `d[key] = v` / `xs[i] = v`: a known dict gets the entry; any other container becomes unknown. */
export function assignItem(target: SyntaxNode, v: Value, st: PathState, fr: Frame, e: Engine): void {
  const objNode = field(target, 'value'); const indexNode = field(target, 'subscript');
  if (!objNode || !indexNode) return;
  setItem(objNode, textOf(target), evaluate(objNode, st, fr, e), evaluate(indexNode, st, fr, e), v, st);
}

function subscript(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  // Indexing None raises: where the value is None or something, it is that something.
  const obj = usedAsValue(evaluate(field(node, 'value')!, st, fr, e));
  const indexNode = field(node, 'subscript');
  if (obj.t === 'dict' && indexNode) return dictEntry(obj, evaluate(indexNode, st, fr, e), textOf(node));
  if (obj.t === 'torchmod' && obj.kind === 'Sequential' && indexNode) return sequentialItem(obj, evaluate(indexNode, st, fr, e), textOf(node));
  // A slice of any number of like items is any number of them (`self.resnets[1:]`), an index one of them.
  if (obj.t === 'many') return indexNode?.type === 'slice' ? obj : obj.item;
  if (obj.t === 'tuple' && indexNode) {
    if (indexNode.type === 'slice') {
      const bounds = sliceBounds(indexNode, st, fr, e);
      return bounds ? { t: 'tuple', items: obj.items.slice(...bounds) } : UNKNOWN(textOf(node));
    }
    const idx = evaluate(indexNode, st, fr, e);
    if (idx.t === 'num' && Number.isInteger(idx.value)) return obj.items.at(idx.value) ?? UNKNOWN(textOf(node));
    return UNKNOWN(textOf(node));
  }
  if (obj.t === 'opentuple' && indexNode?.type === 'slice') {
    // `x.size()[:-1]` of a tensor of unknown rank: the known last items but the dropped ones stay known.
    const bounds = sliceBounds(indexNode, st, fr, e);
    const stop = bounds && !bounds[0] && bounds[1] !== undefined && bounds[1] < 0 ? -bounds[1] : undefined;
    if (stop !== undefined && obj.tail && obj.tail.length >= stop) return { t: 'opentuple', items: [], tail: obj.tail.slice(0, obj.tail.length - stop), why: obj.why };
    return UNKNOWN(`\`${textOf(node)}\` (${obj.why})`);
  }
  if (obj.t === 'opentuple' && indexNode && indexNode.type !== 'slice') {
    const idx = evaluate(indexNode, st, fr, e);
    const at = idx.t === 'num' && Number.isInteger(idx.value) ? idx.value : undefined;
    const item = at === undefined ? undefined : at >= 0 ? obj.items[at] : obj.tail?.[obj.tail.length + at];
    return item ?? UNKNOWN(`\`${textOf(node)}\` (${obj.why})`);
  }
  if (isTensor(obj)) {
    const items = node.children.filter((c) => c.field === 'subscript').map((c) => indexItem(c, st, fr, e));
    const extents = obj.shape ? { shape: indexedShape(obj.shape, items) } : { lastDim: indexedLastDim(obj.lastDim, items) };
    return tensor(obj.dtype, obj.origin, { bool: obj.bool, param: obj.param, ...extents, ...triangularOf(obj) });
  }
  return UNKNOWN(`\`${textOf(node)}\``);
}

/**
 * `[start:stop]` with integer bounds (a step other than 1 gives undefined). The mirror keeps no `:`
 * tokens, so which bound an expression is comes from the colons in the text before it.
 */
function sliceBounds(slice: SyntaxNode, st: PathState, fr: Frame, e: Engine): [number | undefined, number | undefined] | undefined {
  const bounds: (number | undefined)[] = [undefined, undefined, undefined];
  let from = slice.start;
  let colons = 0;
  for (const c of namedChildren(slice)) {
    colons += slice.unit.text.slice(from, c.start).split(':').length - 1;
    from = c.end;
    const v = evaluate(c, st, fr, e);
    if (v.t !== 'num' || !Number.isInteger(v.value) || colons > 2) return undefined;
    bounds[colons] = v.value;
  }
  return bounds[2] === undefined || bounds[2] === 1 ? [bounds[0], bounds[1]] : undefined;
}

/** `[:half]` / `[half:]`: one side of a cut at an expression the code computes (its text, the cut's name). */
function cutSide(slice: SyntaxNode): IndexItem | undefined {
  const text = textOf(slice).trim();
  const bound = namedChildren(slice);
  if (bound.length !== 1 || (text.match(/:/g) ?? []).length !== 1) return undefined;
  const at = textOf(bound[0]!).trim();
  return text.startsWith(':') ? { at, part: 'low' } : text.endsWith(':') ? { at, part: 'high' } : undefined;
}

/** What one item of a tensor index does to the shape (shapes.ts, IndexItem). */
function indexItem(item: SyntaxNode, st: PathState, fr: Frame, e: Engine): IndexItem {
  if (item.type === 'slice') {
    if (item.children.length === 0) return 'keep';
    const bounds = sliceBounds(item, st, fr, e);
    return bounds ? { bounds, text: textOf(item) } : cutSide(item) ?? 'slice';
  }
  if (item.type === 'none') return 'new';
  if (item.type === 'ellipsis') return 'rest';
  const v = evaluate(item, st, fr, e);
  return v.t === 'num' && Number.isInteger(v.value) ? 'drop' : v.t === 'none' ? 'new' : v.t === 'slice' ? 'slice' : 'other';
}

function attribute(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  const objNode = field(node, 'object')!;
  const name = textOf(field(node, 'attribute')!);
  const assigned = objNode.type === 'identifier' ? st.env.get(`${textOf(objNode)}.${name}`) : undefined;
  if (assigned) return assigned;
  return attributeOf(usedAsValue(evaluate(objNode, st, fr, e)), name, node, st, fr, e);
}

/** `obj.name` for an already evaluated `obj`. */
function attributeOf(obj: Value, name: string, node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  switch (obj.t) {
    case 'ref': {
      const qualified = `${obj.name}.${name}`;
      if (obj.name === 'torch') { const d = parseDtype(qualified); if (d) return { t: 'dtype', value: d, source: `\`${qualified}\`` }; }
      return e.attribute(obj, name, st) ?? { t: 'ref', name: qualified, optional: obj.optional };
    }
    case 'tensor':
      if (name === 'dtype') return obj.dtype.known ? { t: 'dtype', value: obj.dtype.value, source: obj.dtype.source } : { t: 'unknown', why: obj.dtype.dependsOn, dtypeOf: obj.dtype };
      if (name === 'shape') return sizesOf(obj, textOf(node), fr);
      if (name === 'T' || name === 'mT' || name === 'mH') return transposeAttribute(obj, name);
      return UNKNOWN(`\`${textOf(node)}\``);
    // A dict has no attributes of its keys' names: only an `nn.ModuleDict` (kept as its dict) is read this way.
    case 'dict': return dictEntry(obj, { t: 'str', value: name }, textOf(node));
    case 'framework': return frameworkAttribute(obj, name, node);
    // A prepared model reads as its module (`engine.module`, DDP's `.module`, the module's own attributes).
    case 'prepared': return name === 'module' ? obj.module : attributeOf(obj.module, name, node, st, fr, e);
    default: {
      // `k.mT` on a value with no facts (an argument) is still a tensor, transposed.
      if (obj.t === 'unknown' && (name === 'mT' || name === 'mH' || name === 'T')) return transposeAttribute(tensor(unknown(obj.why), `\`${textOf(node)}\``), name);
      if (name === 'training' && (obj.t === 'instance' || obj.t === 'torchmod')) {
        const train = st.ctx.mode.value === 'train';
        return { t: 'bool', value: train, why: `\`${textOf(node)}\` is ${train ? 'True' : 'False'} in ${modeName(st.ctx.mode.value)}` };
      }
      const found = e.attribute(obj, name, st);
      if (found?.t === 'fn' && found.getter) return callValue(found, { positional: [], keywords: new Map() }, st, fr, node, e);
      return found ?? e.moduleSetByMethod(obj, name) ?? UNKNOWN(`\`${textOf(node)}\``);
    }
  }
}

/**
 * `a or b` / `a and b` as a value: Python's, one of the operands (`act_layer or nn.GELU` is the class
 * where no layer is given, not True). The right one is evaluated only where the left does not decide;
 * where the left's truth is open, two flags make one condition, other values either operand (`or`: the
 * left where it is something, not None).
 */
function booleanValue(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  const left = field(node, 'left')!; const right = field(node, 'right')!;
  const op = textOf(field(node, 'operator')!) === 'and' ? 'and' : 'or';
  const a = evaluate(left, st, fr, e);
  const ta = truthOfValue(a, oneLineText(left), e);
  if (!('f' in ta)) return ta.value === (op === 'or') ? a : evaluate(right, st, fr, e);
  const b = evaluate(right, st, fr, e);
  // Flags (a value of unknown kind most likely is one: `flash_if_available and flash_attn_func is not None`) make a condition.
  const condition = (v: Value): boolean => v.t === 'bool' || v.t === 'cond' || (v.t === 'unknown' && !v.orNone && !v.tensorAside);
  if (condition(a) && condition(b)) return fromTruth(combine(op, ta, truthOfValue(b, oneLineText(right), e), oneLineText(left), oneLineText(right)));
  return join(op === 'or' ? usedAsValue(a) : a, b);
}

/** The truth of a condition expression. */
export function truth(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Truth {
  if (node.type === 'parenthesized_expression' && namedChildren(node)[0]) return truth(namedChildren(node)[0], st, fr, e);
  if (node.type === 'not_operator') return negate(truth(field(node, 'argument')!, st, fr, e));
  if (node.type === 'boolean_operator') {
    const left = field(node, 'left')!; const right = field(node, 'right')!;
    const op = textOf(field(node, 'operator')!) === 'and' ? 'and' : 'or';
    return combine(op, truth(left, st, fr, e), truth(right, st, fr, e), oneLineText(left), oneLineText(right));
  }
  if (node.type === 'comparison_operator') return comparison(node, st, fr, e);
  return truthOfValue(evaluate(node, st, fr, e), oneLineText(node), e);
}

function comparison(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Truth {
  const cmp = binaryComparison(node);
  if (!cmp) return { f: atom(`cmp:${oneLineText(node)}`, oneLineText(node)) };
  const { left: l, right: r, op } = cmp;
  const lv = evaluate(l, st, fr, e); const rv = evaluate(r, st, fr, e);
  const text = oneLineText(node);
  if (op === 'is' || op === 'is not' || ((op === '==' || op === '!=') && (lv.t === 'none' || rv.t === 'none'))) {
    const t = rv.t === 'none' ? isNone(lv, oneLineText(l), e) : lv.t === 'none' ? isNone(rv, oneLineText(r), e) : { f: atom(`cmp:${text}`, text) } as Truth;
    return op === 'is not' || op === '!=' ? negate(t) : t;
  }
  // An unknown with a few values compared with a constant: a formula over its cases.
  const cased = hasDomain(lv) ? casedComparison(op, lv, rv) : hasDomain(rv) && (op === '==' || op === '!=') ? equalsCase(rv, lv) : undefined;
  if (cased) return op === '!=' || op === 'not in' ? negate(cased) : cased;
  if (op === '==' || op === '!=') {
    const eq = equal(lv, rv);
    if (eq === undefined) {
      const unknownSide = lv.t === 'unknown' ? lv : rv.t === 'unknown' ? rv : undefined;
      const f = atom(`cmp:${unknownSide ? unknownSide.why : text}:${oneLineText(r)}`, `${oneLineText(l)} == ${oneLineText(r)}`);
      return op === '==' ? { f } : { f: { op: 'not', a: f } };
    }
    const why = `\`${oneLineText(l)}\` is ${describe(lv)}${lv.t === 'dtype' ? ` (${lv.source})` : ''}`;
    return { value: op === '==' ? eq : !eq, why };
  }
  if (lv.t === 'num' && rv.t === 'num' && ['<', '>', '<=', '>='].includes(op)) {
    const value = op === '<' ? lv.value < rv.value : op === '>' ? lv.value > rv.value : op === '<=' ? lv.value <= rv.value : lv.value >= rv.value;
    return { value, why: `\`${oneLineText(l)}\` is ${lv.value}` };
  }
  return { f: atom(`cmp:${text}`, text) };
}

/** `x == c`, `x != c`, `x in (…)`, `x not in (…)` for `x` an unknown with a domain (the truth of `==` / `in`). */
function casedComparison(op: string, lv: WithDomain, rv: Value): Truth | undefined {
  if (op === '==' || op === '!=') return equalsCase(lv, rv);
  if (op !== 'in' && op !== 'not in') return undefined;
  const items = rv.t === 'tuple' ? rv.items : rv.t === 'dict' ? rv.entries.map(([key]) => keyValue(key)) : undefined;
  return items && amongItems(lv, items);
}

// ---- arithmetic ---------------------------------------------------------------------------------

function binary(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  const lNode = field(node, 'left')!; const rNode = field(node, 'right')!;
  const op = textOf(field(node, 'operator')!);
  const l = evaluate(lNode, st, fr, e); const r = evaluate(rNode, st, fr, e);
  if (l.t === 'num' && r.t === 'num') {
    const value = op === '+' ? l.value + r.value : op === '-' ? l.value - r.value : op === '*' ? l.value * r.value
      : op === '//' ? Math.floor(l.value / r.value) : op === '/' ? l.value / r.value : op === '**' ? l.value ** r.value : op === '%' ? l.value % r.value : NaN;
    if (Number.isNaN(value)) return UNKNOWN(textOf(node));
    // Python's ints stay ints under + - * // % (and ** by a non-negative int); `/` and a float make a float.
    const int = l.int && r.int && (INT_OPS.has(op) || (op === '**' && r.value >= 0));
    return { t: 'num', value, source: `${textOf(node)} at ${fileLine(fr, node)}`, ...(int ? { int } : {}) };
  }
  if (op === '@') return matmul('matmul', { value: l, node: lNode }, { value: r, node: rNode }, st, fr, node, e);
  // `x.size()[:-1] + (heads, head_size)` (BERT's transpose_for_scores): a shape built by concatenation.
  if (op === '+' && r.t === 'tuple' && (l.t === 'tuple' || l.t === 'opentuple')) {
    return l.t === 'tuple' ? { t: 'tuple', items: [...l.items, ...r.items] } : { ...l, tail: [...(l.tail ?? []), ...r.items] };
  }
  // `[None] * len(self.scale)`, `[x] * n`: the items repeated, n times where n is known, any number of them where not.
  const [items, times] = l.t === 'tuple' && op === '*' ? [l, r] : r.t === 'tuple' && op === '*' ? [r, l] : [];
  if (items && times && items.items.length > 0 && (times.t === 'num' || times.t === 'unknown')) {
    return times.t === 'num' && Number.isInteger(times.value) && times.value >= 0 && times.value * items.items.length <= MAX_LITERAL_ITEMS
      ? { t: 'tuple', items: Array.from({ length: times.value }, () => items.items).flat() }
      : { t: 'many', item: items.items.reduce(join) };
  }
  const logical = LOGICAL_OPS.has(op) ? logicalOf([l, r], fr, node) : undefined;
  if (logical) return logical;
  if (isTensor(l) || isTensor(r)) return tensorArithmetic(op, { value: l, node: lNode }, { value: r, node: rNode }, st, fr, node);
  return UNKNOWN(`\`${textOf(node)}\``);
}

/** `l op r` (or `l op= r`) with a tensor operand: elementwise, and a stage of hand-written attention (a mask added, a scale). */
export function tensorArithmetic(op: string, l: { value: Value; node: SyntaxNode }, r: { value: Value; node: SyntaxNode }, st: PathState, fr: Frame, node: SyntaxNode): Value {
  return scaleStage(elementwise(l.value, r.value, st, fr, node, op === '+' || op === '-', OPERATOR_OPS[op] ?? op), op, l, r);
}

const INT_OPS = new Set(['+', '-', '*', '//', '%']);

/** The torch op an operator on tensors runs, by which onInteger decides what an integer tensor gives. */
const OPERATOR_OPS: Readonly<Record<string, string>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '//': 'floor_divide', '%': 'remainder' };

/** `&`, `|`, `^` on tensors: elementwise logic, a bool tensor when both operands are bool tensors. */
const LOGICAL_OPS = new Set(['&', '|', '^']);

/** `torch.logical_*(…)`: a bool tensor, whatever its inputs' dtypes. */
const LOGICAL_FUNCTIONS = new Set(['logical_and', 'logical_or', 'logical_xor', 'logical_not']);

/**
 * A sliding-window or padding mask combined from bool masks (`(j <= i) & (j > i - window)`,
 * `causal | ~padding`) is a bool tensor of the broadcast shape. Anything else (an integer tensor, an
 * operand not known to be a tensor) is left to ordinary promotion.
 */
function logicalOf(operands: readonly Value[], fr: Frame, node: SyntaxNode, always = false): Value | undefined {
  if (!always && !operands.every((o) => isTensor(o) && o.bool)) return undefined;
  // torch.logical_* gives a bool tensor whatever it is given; its shape only where every operand's is known.
  const shape = operands.every(isTensor) && operands.length > 0 ? (operands as TensorValue[]).map((t) => t.shape).reduce((a, b) => broadcastShape(a, b)) : undefined;
  return tensor(unknown('a bool tensor'), `\`${textOf(node)}\` at ${fileLine(fr, node)}`, { bool: true, shape });
}

/**
 * `torch.arange(…)`: int64 for integer bounds (an integer tensor), float32 for a float bound, or
 * `dtype=`. Bounds the code does not show to be ints or floats (an argument) leave it unknown.
 */
function arange(args: CallArgs, where: string, fr: Frame, node: SyntaxNode): Value {
  const bounds = args.positional.map((a) => a.value);
  const shape = bounds.length === 1 ? [dimOf(bounds[0]!, args.positional[0]!.node)] : [{ value: null, role: null, source: where }];
  const created = createdDtype(args, where, fr, node, shape);
  if (created) return created;
  if (bounds.some((b) => b.t === 'num' && !b.int)) return tensor(known('float32', `${where} (a float bound: default dtype)`), where, { shape });
  if (bounds.length > 0 && bounds.every((b) => b.t === 'num')) return tensor(integerDtype('int64', `${where}, integer bounds`), where, { shape });
  return tensor(unknown(`the dtype of ${where} (int64 for integer bounds)`), where, { shape });
}

/** A creation function's `dtype=`: a floating dtype, an integer one (`torch.long`) or bool; undefined where none is passed or it is not known. */
function createdDtype(args: CallArgs, where: string, fr: Frame, node: SyntaxNode, shape: readonly Dim[] | undefined): TensorValue | undefined {
  const dtypeKw = args.keywords.get('dtype')?.value;
  if (dtypeKw?.t === 'dtype') return tensor(known(dtypeKw.value, `dtype= at ${fileLine(fr, node)}`), where, { shape });
  if (isBoolDtype(args)) return tensor(unknown('a bool tensor'), where, { bool: true, shape });
  const int = integerDtypeName(dtypeKw);
  return int ? tensor(integerDtype(int, `dtype= at ${fileLine(fr, node)}`), where, { shape }) : undefined;
}

/**
 * What Python data makes of a tensor (`torch.tensor(data)`, `torch.full(size, fill)`): a list with a
 * float is float32 (the default dtype), of ints int64, of bools bool, a tensor's copy its dtype. Data
 * the code does not show (an argument) gives undefined.
 */
function dataKind(v: Value): 'float' | 'int' | 'bool' | TensorValue | undefined {
  if (v.t === 'num') return v.int ? 'int' : 'float';
  if (v.t === 'bool') return 'bool';
  if (isTensor(v)) return v;
  if (v.t !== 'tuple' || v.items.length === 0) return undefined;
  const kinds = v.items.map(dataKind);
  if (kinds.some((k) => k === undefined || typeof k === 'object')) return undefined;
  return kinds.includes('float') ? 'float' : kinds.includes('int') ? 'int' : 'bool';
}

/** The extents a torch function gives: its input's for same-shape ops, broadcast over the tensor inputs for elementwise ones. */
function resultExtents(op: string, first: TensorValue, inputs: readonly Value[]): { shape?: readonly Dim[]; lastDim?: Dim } {
  if (op === 'outer' || op === 'polar') return {};
  // No operand known to be a tensor (`torch.where(cond, a, b)` of arguments): the shape is unknown.
  if (BINARY.has(op)) { const tensors = inputs.filter(isTensor); return tensors.length > 0 ? { shape: tensors.map((t) => t.shape).reduce((a, b) => broadcastShape(a, b)) } : {}; }
  return SAME_SHAPE.has(op) ? sameExtents(first) : {};
}

/** `torch.cat` / `torch.stack` of the tensors a tuple shows, or of a list of tensors alike (`[f(x) for …]`) of a count not known. */
function joinedOf(op: 'cat' | 'stack', args: CallArgs): { shape?: readonly Dim[]; lastDim?: Dim } {
  const parts = usedAsValue(args.positional[0]?.value ?? UNKNOWN('no tensors'));
  const dim = arg(args, 1, 'dim')?.value;
  if (parts.t === 'tuple' && parts.items.every(isTensor)) return joinedExtents(op, parts.items, dim);
  // Alike parts of an unknown count: every dim but the one they join along.
  return op === 'cat' && parts.t === 'many' && isTensor(parts.item) ? joinedExtents(op, [parts.item, parts.item], dim) : {};
}

/** Ordinary promotion between two operands; Python numbers do not widen a tensor. */
/** `additive`: the other tensor is added to the scores, so it is their mask; a product or quotient is not. */
/** `op`: the operator or method (`*`, `mul`), which decides what an integer tensor gives (onInteger). */
function elementwise(l: Value, r: Value, _st: PathState, fr: Frame, node: SyntaxNode, additive: boolean, op: string): Value {
  if (!isTensor(l) || !isTensor(r)) {
    const t = (isTensor(l) ? l : r) as TensorValue;
    const other = t === l ? r : l;
    if (isIntegerDtype(t.dtype)) return tensor(integerWithScalar(t.dtype, other, op, fr, node), `${textOf(node)} at ${fileLine(fr, node)}`, { shape: other.t === 'unknown' && t.shape ? broadcastShape(t.shape, undefined) : t.shape });
    // Scores plus something that may be a tensor (an argument nobody passes): a mask, of unknown kind;
    // plus None only in a branch the facts rule out (`if bias is not None:` with `bias=None`), where other callers pass one.
    if (additive && t.manual && (other.t === 'unknown' || other.t === 'none')) return { ...t, manual: withMask(t.manual, { value: other, node }) };
    // Something that may be a tensor may also widen the dims of extent 1.
    return other.t === 'unknown' && t.shape ? { ...t, shape: broadcastShape(t.shape, undefined) } : t;
  }
  const a = l as TensorValue; const b = r as TensorValue;
  const manual = a.manual ?? b.manual;
  const stageMask = !additive ? undefined : a.manual && !b.manual ? { value: b, node } : b.manual && !a.manual ? { value: a, node } : undefined;
  const dtype = onInteger(op, inputsDtype(op, [a, b], fr, node)!, fr, node);
  const out = tensor(dtype, `${textOf(node)} at ${fileLine(fr, node)}`, broadcastExtents(a, b));
  return manual ? ({ ...out, manual: stageMask ? withMask(manual, stageMask) : manual }) : out;
}

/**
 * The extents of `a op b`. A parameter with an activation (a norm's weight) has the activation's
 * extents, which it is sized to broadcast into. A 1-D tensor (a weight, a scale) with one of unknown
 * rank keeps that rank: it says only what the last dim is.
 */
function broadcastExtents(a: TensorValue, b: TensorValue): { shape?: readonly Dim[]; lastDim?: Dim } {
  const [activation, parameter] = a.param && !b.param ? [b, a] : b.param && !a.param ? [a, b] : [undefined, undefined];
  if (a.shape && b.shape) return { shape: activation ? broadcastShape(activation.shape, parameter!.shape, true) : broadcastShape(a.shape, b.shape) };
  const [open, shown] = a.shape ? [b, a] : [a, b];
  if (!shown.shape) {
    if (activation) return activation.lastDim && parameter!.lastDim ? { lastDim: broadcastShape([activation.lastDim], [parameter!.lastDim], true)![0] } : sameExtents(activation);
    return a.lastDim && b.lastDim ? { lastDim: broadcastShape([a.lastDim], [b.lastDim])![0] } : {};
  }
  if (shown.shape.length !== 1) return { shape: broadcastShape(a.shape, b.shape) };
  const last = shown.shape[0]!;
  // Both open: the weight or scale is sized to the other's last dim.
  if (open.lastDim) return { lastDim: broadcastShape([open.lastDim], [last], true)![0] };
  return last.value !== null && last.value !== 1 ? { lastDim: last } : {};
}

/**
 * An integer tensor with a Python number: an int keeps the integer dtype (`positions - 1`), a float
 * gives the default dtype (`torch.arange(n) * 0.5` is float32), as does a true division; a value not
 * known to be a number of either kind leaves the dtype unknown.
 */
function integerWithScalar(integer: Fact<Dtype>, other: Value, op: string, fr: Frame, node: SyntaxNode): Fact<Dtype> {
  if (other.t === 'unknown') return unknown(other.why);
  if (other.t !== 'num') return unknown(`\`${textOf(node)}\` at ${fileLine(fr, node)}`);
  if (!other.int) return known('float32', `an integer tensor with the float ${other.value} at ${fileLine(fr, node)} (the default dtype)`);
  return onInteger(op, integer, fr, node);
}

// ---- calls --------------------------------------------------------------------------------------

function evalArgs(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): CallArgs {
  const list = field(node, 'arguments');
  return evaluateArgs(list ? namedChildren(list) : [], st, fr, e);
}

/**
 * Evaluate call arguments: positional, `name=value`, `*xs` of a known tuple and `**kw` of a known dict
 * item by item; any other splat leaves the rest unknown (`morePositional` / `moreKeywords`).
 */
export function evaluateArgs(nodes: readonly SyntaxNode[], st: PathState, fr: Frame, e: Engine): CallArgs {
  const positional: CallArg[] = [];
  // Most calls pass no keyword: they share one empty map (CallArgs' maps are read-only).
  let keywords: Map<string, CallArg> | undefined;
  let morePositional: Value | undefined;
  let moreKeywords: Value | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const a = nodes[i]!;
    if (a.type === 'keyword_argument') {
      const name = field(a, 'name'); const value = field(a, 'value');
      if (name && value) (keywords ??= new Map()).set(textOf(name), { value: evaluate(value, st, fr, e), node: value });
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      const inner = namedChildren(a)[0];
      const v = inner ? evaluate(inner, st, fr, e) : UNKNOWN(`\`${textOf(a)}\``);
      const rest = v.t === 'unknown' || v.t === 'many' ? v : UNKNOWN(`\`${textOf(a)}\``);
      if (a.type === 'dictionary_splat') {
        if (v.t === 'dict' && v.entries.every(([k]) => isStringKey(k))) for (const [k, item] of v.entries) (keywords ??= new Map()).set(k, { value: item, node: a, unpacked: true });
        else moreKeywords = rest;
      } else if (v.t === 'tuple' && !morePositional) {
        for (const item of v.items) positional.push({ value: item, node: a, unpacked: true });
      } else {
        morePositional = morePositional ? UNKNOWN(`\`${textOf(a)}\``) : rest;
      }
    } else if (morePositional) {
      // After `*xs` of unknown length, the position of this argument is unknown too (its calls still run).
      evaluate(a, st, fr, e);
      morePositional = UNKNOWN(`the arguments after \`*…\``);
    } else {
      positional.push({ value: evaluate(a, st, fr, e), node: a });
    }
  }
  const args: { -readonly [K in keyof CallArgs]: CallArgs[K] } = { positional, keywords: keywords ?? NO_KEYWORDS };
  if (morePositional) args.morePositional = morePositional;
  if (moreKeywords) args.moreKeywords = moreKeywords;
  return args;
}

const NO_KEYWORDS: ReadonlyMap<string, CallArg> = new Map();

function call(node: SyntaxNode, st: PathState, fr: Frame, e: Engine): Value {
  const fnNode = field(node, 'function')!;
  let callee: Value;
  if (fnNode.type === 'attribute') {
    const objNode = field(fnNode, 'object')!;
    const method = textOf(field(fnNode, 'attribute')!);
    const viaSuper = objNode.type === 'call' && textOf(field(objNode, 'function') ?? objNode) === 'super' ? e.superMethod(fr, method) : undefined;
    if (viaSuper?.t === 'torchmod') return moduleCall(viaSuper, evalArgs(node, st, fr, e), st, fr, node, e);
    if (viaSuper?.t === 'ref') return refCall(viaSuper, evalArgs(node, st, fr, e), st, fr, node, e);
    if (viaSuper) return e.callWorkspace(viaSuper, evalArgs(node, st, fr, e), st, fr, node) ?? UNKNOWN(`the result of \`super().${method}(…)\``);
    const assigned = objNode.type === 'identifier' ? st.env.get(`${textOf(objNode)}.${method}`) : undefined;
    const evaluated = assigned ? undefined : usedAsValue(evaluate(objNode, st, fr, e));
    const obj = evaluated && TENSOR_METHODS.has(method) ? tensorMethodReceiver(evaluated) : evaluated;
    if ((obj?.t === 'dict' || obj?.t === 'tuple' || obj?.t === 'many') && (method === 'get' || MUTATORS.has(method))) {
      const done = containerMethod(obj, method, objNode, evalArgs(node, st, fr, e), st, node, (fr.loops ?? 0) > 0);
      if (done) return done;
    }
    if (obj && isTensor(obj)) {
      const out = tensorMethod(obj, method, evalArgs(node, st, fr, e), st, fr, node, e);
      if (!obj.manual || STAGE_METHODS.has(method)) return out;
      // A cast or copy of the scores (`scores.to(dtype)`, `.float()`, `.contiguous()`) is still the
      // scores; the SDPA fix cannot carry it over, so the chain goes on opaque.
      return opaqueStage(isTensor(out) && !out.manual && CHAIN_METHODS.has(method) ? { ...out, manual: obj.manual } : out);
    }
    if (obj?.t === 'unknown' && TENSOR_METHODS.has(method)) {
      return tensorMethod(tensor(unknown(obj.why), `\`${textOf(objNode)}\``), method, evalArgs(node, st, fr, e), st, fr, node, e);
    }
    if (obj && (obj.t === 'instance' || obj.t === 'torchmod') && MODULE_METHODS.has(method)) {
      const cast = moduleCast(obj, method, evalArgs(node, st, fr, e));
      if (cast) return cast;
    }
    if (obj?.t === 'prepared' && (obj.module.t === 'instance' || obj.module.t === 'torchmod') && MODULE_METHODS.has(method)) {
      const cast = moduleCast(obj.module, method, evalArgs(node, st, fr, e));
      if (cast) return { ...obj, module: cast };
    }
    // `self.autocast.__enter__()` written out (in a class's `__enter__`): the region holds for the rest of the path.
    if (obj?.t === 'context' && method === '__enter__') return enterCalled(obj, node, st, fr);
    callee = assigned ?? attributeOf(obj!, method, fnNode, st, fr, e);
  } else {
    callee = evaluate(fnNode, st, fr, e);
  }
  const args = evalArgs(node, st, fr, e);
  const checked = availabilityCheck(textOf(fnNode).split('.').pop()!, e) ?? deviceQuery(callee.t === 'ref' ? callee.name : textOf(fnNode), e.settings);
  if (checked) return checked;
  if (fnNode.type === 'identifier') {
    const builtin = builtinCall(textOf(fnNode), args, st, fr, node, e);
    if (builtin) return builtin;
  }
  if (callee.t === 'unknown' && !callee.libraryObject && isOwnOrLocal(fnNode, st) && appliedLikeModel(textOf(fnNode), args, node)) {
    e.unresolvedModuleCall(st, fr, `\`${textOf(fnNode)}(…)\` at ${fileLine(fr, node)} runs it (a callable the code does not resolve)`);
  }
  const out = callValue(callee, args, st, fr, node, e);
  // `self.scope.__enter__()` of a workspace class: its `__enter__` made the context it enters.
  return out.t === 'context' && fnNode.type === 'attribute' && textOf(field(fnNode, 'attribute')!) === '__enter__' ? enterCalled(out, node, st, fr) : out;
}

/**
 * `self.model(x)` or `model(x)` with `model` a local or parameter: what a training loop calls its
 * model through when the files do not show which one (a method of another object, or a builtin, is not).
 */
function isOwnOrLocal(fnNode: SyntaxNode, st: PathState): boolean {
  if (fnNode.type === 'identifier') return st.env.has(textOf(fnNode));
  const objNode = fnNode.type === 'attribute' ? field(fnNode, 'object') : undefined;
  return objNode?.type === 'identifier' && textOf(objNode) === 'self';
}

/** Calls a callable value: a library function, a torch module, a workspace function or class, a partial, a prepared model. */
export function callValue(called: Value, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const callee = usedAsValue(called);
  // A workspace function that is a library's API (diffusers' own `dispatch_attention_fn`): observed, not run.
  const api = callee.t === 'fn' ? workspaceApiOf(callee.id) : undefined;
  if (api) return observeApi(api, textOf(field(node, 'function') ?? node), args, undefined, st, fr, node, e);
  switch (callee.t) {
    case 'ref': return refCall(callee, args, st, fr, node, e);
    case 'torchmod': return moduleCall(callee, args, st, fr, node, e);
    case 'libmask': return callee;
    case 'partial': return callValue(callee.fn, partialArgs(callee, args), st, fr, node, e);
    case 'prepared': return callPrepared(callee, args, st, (m, a) => callValue(m, a, st, fr, node, e));
    // Each callable the code may have chosen is called (each observes its own attention calls).
    case 'choice': {
      // A path that settled the condition (it forked on the same atom) calls the option it picks.
      const open = callee.options.map((o, i) => ({ o, w: callee.when?.[i] })).filter(({ w }) => !w || evalFormula(w, st.assume) !== false);
      const picked = open.length > 0 ? open : callee.options.map((o, i) => ({ o, w: callee.when?.[i] }));
      const results = picked.map(({ o }) => callValue(o, args, st, fr, node, e));
      // Classes a case picks (`self.MODES[mode](…)`): the instance each case builds, with its condition, for a later call to pick.
      const when = picked.map(({ w }) => w).filter((w): w is Formula => w !== undefined);
      if (results.length > 1 && when.length === results.length && results.every((r) => r.t === 'instance')) return { t: 'choice', options: results, why: callee.why, when };
      return results.reduce(join);
    }
    default: return e.callWorkspace(callee, args, st, fr, node) ?? throughOpaqueCall(args)
      ?? (callee.t === 'unknown' ? openLayerCall(callee, args, st, fr, node) : undefined) ?? UNKNOWN(`the result of \`${textOf(field(node, 'function') ?? node)}(…)\`${budgetNote(callee)}`);
  }
}

/** Why a callee is unknown, where that is an analysis budget: the user reads that the limit, not the code, hid the answer. */
function budgetNote(callee: Value): string {
  return callee.t === 'unknown' && callee.why.includes('analysis budget') ? ` (${callee.why})` : '';
}

const DATA: ReadonlySet<Value['t']> = new Set(['tensor', 'num', 'str', 'none', 'bool', 'tuple', 'dict', 'dtype']);

/**
 * `callable(x)` and `inspect.isfunction(x)` where the analysis knows what x is: data (a tensor in
 * `default(context, x)`) is neither; a function or lambda is both; a bound method or a class is
 * callable but no plain function. Undefined otherwise.
 */
function callableTest(test: 'callable' | 'isfunction', args: CallArgs, node: SyntaxNode): Value | undefined {
  const v = args.positional.length === 1 ? args.positional[0]!.value : undefined;
  if (!v) return undefined;
  const answer = DATA.has(v.t) ? false
    : (v.t === 'fn' && !v.self) || v.t === 'closure' ? true
      : (v.t === 'fn' || v.t === 'class') ? test === 'callable' : undefined;
  return answer === undefined ? undefined : { t: 'bool', value: answer, why: `\`${textOf(node)}\` is ${answer ? 'True' : 'False'} (${describe(v)})` };
}

function builtinCall(name: string, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value | undefined {
  if (name === 'callable') return callableTest('callable', args, node);
  if (name === 'hasattr' && args.positional.length === 2) {
    const [obj, attr] = args.positional;
    const has = attr.value.t === 'str' ? presence(obj, attr.value.value, st, e) : undefined;
    return has && { t: 'bool', value: has.present, why: `\`${textOf(node)}\` is ${has.present ? 'True' : 'False'}${has.why}` };
  }
  if (name === 'getattr' && (args.positional.length === 2 || args.positional.length === 3)) return getattrCall(args, st, fr, node, e);
  if (name === 'float' && args.positional[0]?.value.t === 'str') return { t: 'num', value: Number(args.positional[0].value.value.replace('inf', 'Infinity')), source: fileLine(fr, node) };
  if (name === 'int' && args.positional[0]?.value.t === 'num') return { t: 'num', value: Math.trunc(args.positional[0].value.value), source: args.positional[0].value.source };
  if (name === 'super') return UNKNOWN('super()');
  if (name === 'slice' && args.positional.length >= 1 && args.positional.length <= 3 && !args.morePositional) return { t: 'slice', text: `\`${textOf(node)}\`` };
  const folded = numericBuiltin(name, args, textOf(node));
  if (folded) return folded;
  const [fn, iterable] = args.positional;
  if (name === 'map' && args.positional.length === 2 && fn!.node.type === 'lambda') {
    const params = field(fn!.node, 'parameters');
    const body = field(fn!.node, 'body');
    const param = params && namedChildren(params).length === 1 ? namedChildren(params)[0] : undefined;
    if (param && body) return eachItem(param, body, iterable!.value, st, fr, e);
  }
  // `map(heads, (q, k, v))` with a function of the code's: called on each item.
  const items = name === 'map' && args.positional.length === 2 ? usedAsValue(iterable!.value) : undefined;
  const applied = (item: Value): Value => callValue(fn!.value, { positional: [{ value: item, node: iterable!.node }], keywords: new Map() }, st, fr, node, e);
  if (items?.t === 'tuple') return { t: 'tuple', items: items.items.map(applied) };
  // Items all alike, of a count the code does not fix (`x.chunk(2, dim=-1)`): the function's result on one.
  if (items?.t === 'many') return { t: 'many', item: applied(items.item) };
  if (name === 'enumerate' && args.positional.length === 1) return enumerated(args.positional[0].value, fr, node);
  if (name === 'zip' && args.positional.length > 0 && !args.morePositional) return zipped(args.positional.map((a) => a.value), node);
  if (name === 'dict' && args.positional.length === 0) {
    return args.moreKeywords ? UNKNOWN(`\`${textOf(node)}\``) : { t: 'dict', entries: [...args.keywords].map(([k, a]) => [k, a.value] as const) };
  }
  return undefined;
}

/**
 * Whether `obj.name` exists, with why (after "is True"/"is False"): `F.scaled_dot_product_attention`
 * by the torch setting; a workspace instance's attribute set on this path, at construction or by its
 * class, or provably absent (Engine.absentAttribute). Undefined when the code does not say.
 */
function presence(obj: CallArg, name: string, st: PathState, e: Engine): { present: boolean; why: string } | undefined {
  const v = obj.value;
  if (v.t === 'ref' && v.name === 'torch.nn.functional' && name === 'scaled_dot_product_attention') {
    return { present: e.settings.torch[0] >= 2, why: ` with torch ${e.settings.torch.join('.')} (setting)` };
  }
  if (v.t !== 'instance') return undefined;
  const set = (obj.node.type === 'identifier' && st.env.has(`${textOf(obj.node)}.${name}`)) || e.attribute(v, name, st) !== undefined;
  if (set) return { present: true, why: `: ${describe(v)} has \`${name}\`` };
  const absent = e.absentAttribute(v, name, st);
  return absent === undefined ? undefined : { present: false, why: `: ${absent}` };
}

/**
 * `getattr(obj, 'name')` is `obj.name`; with a default, the default where the attribute is provably
 * absent (presence). A name that is not a constant string leaves the result unknown.
 */
function getattrCall(args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const [obj, attr, fallback] = args.positional;
  if (attr.value.t !== 'str') return UNKNOWN(`\`${textOf(node)}\` (the attribute name is not a constant)`);
  const name = attr.value.value;
  const has = fallback ? presence(obj, name, st, e) : undefined;
  if (fallback && has?.present === false) {
    const v = fallback.value;
    const why = `\`${textOf(node)}\` gives its default${has.why}`;
    return v.t === 'none' ? { ...v, source: why } : v.t === 'bool' ? { ...v, why } : v;
  }
  const assigned = obj.node.type === 'identifier' ? st.env.get(`${textOf(obj.node)}.${name}`) : undefined;
  return assigned ?? attributeOf(obj.value, name, node, st, fr, e);
}

function refCall(callee: Value & { t: 'ref' }, given: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const name = callee.name;
  const spec = attentionApiOf(name);
  // A torch function's input (`F.interpolate(x, …)`); an attention API's optional arguments stay as given.
  const args = isTorchName(name) && !spec ? inputUsed(given) : given;
  if (name === 'inspect.isfunction') { const tested = callableTest('isfunction', args, node); if (tested) return tested; }
  const last = opName(name.split('.').pop()!);
  if (spec) {
    // Called through another name (`attn = flash_attn_func if … else F.scaled_dot_product_attention`): say which function.
    const written = textOf(field(node, 'function')!);
    const apiText = written.split('.').pop() === last ? written : `${written} (${last})`;
    return observeApi(spec, apiText, args, undefined, st, fr, node, e, {}, importedLibrary(callee));
  }
  const wrapped = compiledCall(name, args, fr, node) ?? wrapperCall(name, args, (f, a) => callValue(f, a, st, fr, node, e)) ?? frameworkCall(name, args, node, fr);
  if (wrapped) return wrapped;
  if (name.startsWith('xformers.') && (/Mask$|Bias$/.test(last) || /Mask\.\w+$|Bias\.\w+$/.test(name))) {
    const className = /Mask$|Bias$/.test(last) ? last : name.split('.').slice(-2)[0];
    return { t: 'libmask', className, source: `\`${className}\` at ${fileLine(fr, node)}` };
  }
  if (name.startsWith('torch.nn.') && /^[A-Z]/.test(last)) return nnConstructor(last, args, fr, node);
  if (name === 'collections.OrderedDict') return orderedDict(args, node);
  // A copy is, for what the analysis tracks, the same module or tensor (the Annotated Transformer's `clones`).
  if ((name === 'copy.deepcopy' || name === 'copy.copy') && args.positional.length === 1) return args.positional[0]!.value;
  const moved = paddingCall(name, args, fr, node) ?? apexNormCall(name, args, st, fr, node);
  if (moved) return moved;
  const manager = contextValue(name, args, node, st, fr, e);
  if (manager) return manager;
  const asked = autocastQuery(name, args, st, fr, node);
  if (asked) return asked;
  if (!isTorchName(name) && !name.startsWith('einops.')) {
    const why = `the result of \`${name}(…)\``;
    return makesLibraryObject(name, args) ? { t: 'unknown', why, libraryObject: name } : UNKNOWN(why);
  }
  const inputs = [...args.positional.map((a) => a.value), ...[...args.keywords.values()].map((a) => a.value)];
  const dtypeKw = args.keywords.get('dtype')?.value;
  const where = `\`${last}\` at ${fileLine(fr, node)}`;
  if (CREATES.has(last)) {
    const shape = creationShape(last, args);
    const created = createdDtype(args, where, fr, node, shape);
    if (created) return created;
    // `torch.tensor(data)` and `torch.full(size, fill)` take their dtype from the data (float32 for a float).
    const data = last === 'tensor' || last === 'as_tensor' ? arg(args, 0, 'data') : last === 'full' ? arg(args, 1, 'fill_value') : undefined;
    const kind = data ? dataKind(data.value) : 'float';
    if (kind === 'int') return tensor(integerDtype('int64', `${where}, integer data`), where, { shape });
    if (kind === 'bool') return tensor(unknown('a bool tensor'), where, { bool: true, shape });
    if (typeof kind === 'object') return tensor(kind.dtype, where, { shape, bool: kind.bool });
    if (kind === undefined && last !== 'full') return tensor(unknown(`the data of ${where}`), where, { shape });
    return tensor(known('float32', `${where} (default dtype)`), where, { shape });
  }
  if (last === 'arange') return arange(args, where, fr, node);
  if (LOGICAL_FUNCTIONS.has(last)) return logicalOf(args.positional.map((a) => a.value), fr, node, true) ?? UNKNOWN(where);
  if (CREATES_LIKE.has(last)) {
    const first = args.positional[0]?.value;
    const created = createdDtype(args, where, fr, node, undefined);
    if (created) return created;
    // Its input is a tensor (anything else raises): one the code does not show has an unknown dtype.
    return isTensor(first) ? tensor(first.dtype, where, { bool: first.bool, shape: first.shape }) : tensor(unknown(first?.t === 'unknown' ? first.why : `the input of ${where}`), where);
  }
  if (last === 'softmax' || last === 'log_softmax') return softmax(last, args.positional[0]?.value, inputs, st, fr, node, dtypeKw, (args.positional[1] ?? args.keywords.get('dim'))?.value);
  if (last === 'matmul' || last === 'bmm' || last === 'mm') {
    const [a, b] = args.positional;
    return a && b ? matmul(last, a, b, st, fr, node, e) : UNKNOWN(where);
  }
  if (last === 'baddbmm') return baddbmm(args, st, fr, node, e) ?? UNKNOWN(where);
  if (last === 'einsum') return einsum(args, st, fr, node, e);
  if (last === 'dropout') return dropoutStage(args) ?? UNKNOWN(where);
  if (last === 'masked_fill' && isTensor(args.positional[0]?.value)) return opaqueStage(args.positional[0].value);
  // `torch.where(causal_mask, scores, min_value)` masks the scores (HF's eager attention).
  const picked = last === 'where' ? args.positional[1]?.value : undefined;
  const condition = args.positional[0];
  if (picked && isTensor(picked) && picked.manual && condition) return opaqueStage({ ...picked, manual: withMask(picked.manual, condition) });
  const repeated = last === 'repeat_interleave' ? args.positional[0]?.value : undefined;
  if (repeated && isTensor(repeated)) {
    return tensor(repeated.dtype, where, { shape: repeatInterleaveShape(repeated, arg(args, 1, 'repeats'), arg(args, 2, 'dim')?.value), bool: repeated.bool });
  }
  const normed = last === 'rms_norm' ? functionalRmsNorm(args, st, fr, node, e) : undefined;
  if (normed) return normed;
  const viewed = last === 'view_as_complex' || last === 'view_as_real' ? args.positional[0]?.value : undefined;
  if (viewed && isTensor(viewed)) {
    // The complex dtype is not one the analysis names; what follows casts back (`.type_as(x)`) or its dtype stays unknown.
    const toComplex = last === 'view_as_complex';
    return tensor(unknown(toComplex ? `a complex tensor (${where})` : `the real view of a complex tensor (${where})`), where, { shape: complexViewShape(viewed, toComplex, where) });
  }
  // einops' rearrange, repeat (new axes from keywords) and reduce (axes dropped) all read a pattern.
  const [x, pattern] = name.startsWith('einops.') && EINOPS_PATTERNS.has(last) ? args.positional.map((a) => a.value) : [];
  if (x && isTensor(x) && pattern?.t === 'str') {
    const out = tensor(x.dtype, where, { ...rearrangeShape(x, pattern.value, args), bool: x.bool });
    // `rearrange(w, "b i j -> b j i")` swaps the last two axes: a transpose (of attention probabilities, say).
    return last === 'rearrange' && swapsLastTwoAxes(pattern.value) ? { ...out, transposedFrom: x } : out;
  }
  if (AUTOCAST_LOW.has(last) || AUTOCAST_FLOAT32.has(last) || AUTOCAST_WIDEST.has(last) || SAME_DTYPE.has(last) || BINARY.has(last)) {
    // A list's None item would raise (`torch.cat([maybe_none, x])`): the tensor beside it.
    const flat = inputs.flatMap((v) => (v.t === 'tuple' ? v.items.map(usedAsValue) : v.t === 'many' ? [usedAsValue(v.item)] : [v]));
    const first = flat.find(isTensor) ?? tensor(unknown(flat[0]?.t === 'unknown' ? flat[0].why : `the inputs of \`${last}\``), where);
    const dtype = SAME_DTYPE.has(last) ? onInteger(last, first.dtype, fr, node) : opDtype(roundedDivision(last, args), last === 'linear' ? flat.slice(0, 1).concat(flat.slice(1, 2).filter(isTensor)) : flat, st, fr, node, dtypeKw);
    // Joining bool masks (`torch.cat([pad_mask, causal_mask])`) gives a bool mask.
    const joinsBools = (last === 'cat' || last === 'stack') && flat.filter(isTensor).every((t) => t.bool);
    const extents = last === 'cat' || last === 'stack' ? joinedOf(last, args) : resultExtents(last, first, flat);
    const out = tensor(dtype, where, { ...extents, bool: SAME_DTYPE.has(last) ? first.bool : joinsBools || undefined, ...(TRIANGULAR.has(last) ? { triangular: true } : {}) });
    // An elementwise op on hand-written scores (a soft cap's `torch.tanh`) keeps them the attention's, not SDPA's.
    return first.manual && SAME_SHAPE.has(last) ? opaqueStage({ ...out, manual: first.manual }) : out;
  }
  const split = args.positional[0]?.value;
  // `torch.chunk(x, 3, dim=-1)` is `x.chunk(3, dim=-1)`.
  if (SPLITS.has(last) && split && isTensor(split)) return tensorMethod(split, last, { ...args, positional: args.positional.slice(1) }, st, fr, node, e);
  return UNKNOWN(`the result of \`${name}(…)\``);
}

/** torch's own names (`torch.cat`, `torch.nn.functional.softmax`), not torchaudio's or torchvision's. */
function isTorchName(name: string): boolean {
  return name === 'torch' || name.startsWith('torch.');
}

/** An einops pattern that only swaps the last two of single-letter axes (`"b i j -> b j i"`). */
function swapsLastTwoAxes(pattern: string): boolean {
  const [lhs, rhs] = pattern.split('->').map((side) => side.trim().split(/\s+/));
  if (!lhs || !rhs || lhs.length < 2 || lhs.length !== rhs.length || [...lhs, ...rhs].some((a) => !/^\w+$/.test(a))) return false;
  const n = lhs.length;
  return rhs.every((a, i) => a === (i === n - 2 ? lhs[n - 1] : i === n - 1 ? lhs[n - 2] : lhs[i]));
}

const EINOPS_PATTERNS = new Set(['rearrange', 'repeat', 'reduce']);

/** What builds a causal mask: the lower or upper triangle of a square. */
const TRIANGULAR = new Set(['tril', 'triu']);

/** `div(…, rounding_mode='floor'|'trunc')` is not a true division: on integers it stays integer. */
function roundedDivision(op: string, args: CallArgs): string {
  return (op === 'div' || op === 'div_') && args.keywords.has('rounding_mode') ? 'floor_divide' : op;
}

function isBoolDtype(args: CallArgs): boolean {
  const d = args.keywords.get('dtype');
  return d !== undefined && /bool$/.test(textOf(d.node));
}

/** `OrderedDict([('attn', Attention()), …])`: a dict in that order (unknown unless every key is a string). */
function orderedDict(args: CallArgs, node: SyntaxNode): Value {
  const pairs = args.positional[0]?.value;
  if (args.positional.length > 1 || args.morePositional || args.moreKeywords) return UNKNOWN(`\`${textOf(node)}\``);
  const items = pairs === undefined ? [] : pairs.t === 'tuple' ? pairs.items : undefined;
  const entries = items?.map((p) => (p.t === 'tuple' && p.items.length === 2 && p.items[0].t === 'str' ? [p.items[0].value, p.items[1]] as const : undefined));
  if (!entries || entries.some((x) => x === undefined)) return UNKNOWN(`\`${textOf(node)}\``);
  return { t: 'dict', entries: [...(entries as (readonly [string, Value])[]), ...[...args.keywords].map(([k, a]) => [k, a.value] as const)] };
}

/** What iterating a value yields: a Sequential's modules, else the value itself (a tuple, `many`, …). */
function elementsOf(v: Value): Value | undefined {
  return v.t === 'torchmod' && v.kind === 'Sequential' ? v.args.modules : v;
}

/** `enumerate(xs)`: (index, item) pairs of a tuple or `many` (whose index is unknown). */
function enumerated(v: Value, fr: Frame, node: SyntaxNode): Value {
  const items = elementsOf(v);
  if (items?.t === 'many') return { t: 'many', item: { t: 'tuple', items: [UNKNOWN(`the index in \`${textOf(node)}\``), items.item] } };
  if (items?.t !== 'tuple') return UNKNOWN(`\`${textOf(node)}\``);
  return { t: 'tuple', items: items.items.map((x, i) => ({ t: 'tuple', items: [{ t: 'num', value: i, source: fileLine(fr, node), int: true }, x] })) };
}

/**
 * `zip(xs, ys, …)`: tuples of the items at each position, as many as the shortest tuple has (`many`
 * stands for any number of like items). Where some input's items are not known, neither is how many
 * tuples there are: any number, each with that input's item unknown and a tuple's items joined
 * (diffusers' IP-adapter zips its open `ip_hidden_states` with its module lists of projections).
 */
function zipped(values: readonly Value[], node: SyntaxNode): Value {
  const items = values.map(elementsOf);
  const lengths = items.map((v) => (v?.t === 'tuple' ? v.items.length : v?.t === 'many' ? Infinity : NaN));
  const n = Math.min(...lengths);
  if (Number.isNaN(n)) {
    const joined = items.map((v, i) => (v?.t === 'tuple' && v.items.length > 0 ? v.items.reduce(join) : v?.t === 'many' ? v.item : UNKNOWN(`an item of \`${textOf(node)}\`'s input ${i + 1}`)));
    return { t: 'many', item: { t: 'tuple', items: joined } };
  }
  const at = (i: number): Value => ({ t: 'tuple', items: items.map((v) => (v?.t === 'tuple' ? v.items[i]! : v?.t === 'many' ? v.item : UNKNOWN(''))) });
  return n === Infinity ? { t: 'many', item: at(0) } : { t: 'tuple', items: Array.from({ length: n }, (_, i) => at(i)) };
}

/** Passes a loop over a short tuple of different items is unrolled into; longer ones run once on the items joined. */
const MAX_UNROLLED = 8;

/**
 * What `for m in xs` binds on each pass: every item of a short tuple (module list, Sequential) in
 * order; otherwise one pass, on a module list's module or a tuple's items joined.
 */
export function loopItems(v: Value, why: string): Value[] {
  const items = elementsOf(v);
  if (items?.t === 'many') return [items.item];
  if (items?.t !== 'tuple' || items.items.length === 0) return [UNKNOWN(why)];
  const alike = items.items.every((m) => sameValue(m, items.items[0]!) === items.items[0]);
  return alike ? [items.items[0]] : items.items.length <= MAX_UNROLLED ? [...items.items] : [items.items.reduce(join)];
}

function tensorMethod(obj: TensorValue, method: string, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const where = `\`.${method}()\` at ${fileLine(fr, node)}`;
  const cast = Object.hasOwn(CASTS, method) ? CASTS[method] : undefined;
  if (cast) return tensor(known(cast, where), where, sameExtents(obj));
  if (Object.hasOwn(INTEGER_CASTS, method)) return tensor(integerDtype(INTEGER_CASTS[method]!, where), where, sameExtents(obj));
  if (method === 'to' || method === 'type' || method === 'type_as') {
    const candidates = [...args.positional.map((a) => a.value), args.keywords.get('dtype')?.value];
    const int = candidates.map(integerDtypeName).find((n) => n !== undefined);
    if (int) return tensor(integerDtype(int, where), where, sameExtents(obj));
    const d = candidates.find((v) => v?.t === 'dtype' || (v !== undefined && isTensor(v)));
    if (d?.t === 'dtype') return tensor(known(d.value, `${where} (${d.source})`), where, { ...sameExtents(obj), bool: false });
    if (d && isTensor(d)) return tensor(d.dtype, where, sameExtents(obj));
    // `.to(x.dtype)` with x's dtype not known: x's dtype all the same.
    const dtypeOf = candidates.find((v) => v?.t === 'unknown' && v.dtypeOf !== undefined);
    if (dtypeOf?.t === 'unknown' && dtypeOf.dtypeOf) return tensor(dtypeOf.dtypeOf, where, sameExtents(obj));
    const unknownDtype = candidates.find((v) => v?.t === 'unknown');
    if (args.keywords.has('dtype') || (unknownDtype && method !== 'to')) return tensor(unknown(`the dtype passed at ${fileLine(fr, node)}`), where, sameExtents(obj));
    if (args.positional.some((a) => /dtype/.test(textOf(a.node)))) return tensor(unknown(`\`${args.positional.map((a) => textOf(a.node)).join(', ')}\``), where, sameExtents(obj));
    return obj;
  }
  if (method === 'bool') return tensor(unknown('a bool tensor'), where, { bool: true, ...sameExtents(obj), ...triangularOf(obj) });
  if (LOGICAL_FUNCTIONS.has(method)) return logicalOf([obj, ...args.positional.map((a) => a.value)], fr, node, true) ?? UNKNOWN(where);
  if (CREATES_NEW.has(method)) {
    const shape = creationShape(method.slice('new_'.length), args);
    return createdDtype(args, where, fr, node, shape) ?? tensor(obj.dtype, where, { shape, bool: obj.bool });
  }
  if (method === 'size') { const d = arg(args, 0, 'dim'); return d ? sizeOf(obj, d.value, textOf(node), fr) : sizesOf(obj, textOf(node), fr); }
  if (SPLITS.has(method)) {
    const item = tensor(obj.dtype, obj.origin, { shape: splitShape(obj, method, args), lastDim: splitLastDim(obj, method, args), param: obj.param });
    const count = splitCount(obj, method, args);
    return count === null ? { t: 'many', item } : { t: 'tuple', items: Array.from({ length: count }, () => item) };
  }
  if (method === 'softmax' || method === 'log_softmax') return softmax(method, obj, [obj], st, fr, node, args.keywords.get('dtype')?.value, (args.positional[0] ?? args.keywords.get('dim'))?.value);
  if (method === 'matmul' || method === 'bmm' || method === 'mm') {
    const other = args.positional[0];
    return other ? matmul(method, { value: obj, node: field(field(node, 'function')!, 'object')! }, other, st, fr, node, e) : UNKNOWN(where);
  }
  if (method === 'transpose' || method === 'swapaxes' || method === 'swapdims' || method === 'permute' || method === 'view' || method === 'reshape' || method === 'expand') {
    return reshape(obj, method, args);
  }
  if (method === 'masked_fill' || method === 'masked_fill_') {
    const mask = args.positional[0];
    return obj.manual && mask ? ({ ...obj, manual: withMask(obj.manual, mask) }) : obj;
  }
  if (method === 'repeat_interleave') return tensor(obj.dtype, obj.origin, { shape: repeatInterleaveShape(obj, arg(args, 0, 'repeats'), arg(args, 1, 'dim')?.value), param: obj.param, bool: obj.bool });
  if (RANK_CHANGES.has(method) && !obj.manual) {
    const shape = rankChangeShape(obj, method, args);
    return tensor(obj.dtype, obj.origin, { bool: obj.bool, param: obj.param, shape, lastDim: shape ? undefined : keptLastDim(obj, method, args) });
  }
  if (SAME_DTYPE.has(method)) {
    const triangular = TRIANGULAR.has(method) || (obj.triangular && SAME_SHAPE.has(method)) ? { triangular: true as const } : {};
    // A copy of a transpose (`w.permute(0, 2, 1).contiguous()`) is still that transpose.
    const transposed = obj.transposedFrom && (method === 'contiguous' || method === 'clone') ? { transposedFrom: obj.transposedFrom } : {};
    return method === 'dropout' || obj.manual ? obj : { ...tensor(onInteger(method, obj.dtype, fr, node), obj.origin, { bool: obj.bool, param: obj.param, ...(SAME_SHAPE.has(method) ? sameExtents(obj) : REDUCTIONS.has(method) ? reducedExtents(obj, args) : {}), ...triangular }), ...transposed };
  }
  if (BINARY.has(method)) {
    const other = args.positional[0]?.value;
    if (other && (isTensor(other) || isIntegerDtype(obj.dtype))) return elementwise(obj, other, st, fr, node, method.startsWith('add') || method.startsWith('sub'), roundedDivision(method, args));
    return obj;
  }
  if (AUTOCAST_FLOAT32.has(method) || AUTOCAST_LOW.has(method)) {
    return tensor(opDtype(method, [obj], st, fr, node, args.keywords.get('dtype')?.value), where, { shape: SAME_SHAPE.has(method) ? obj.shape : undefined });
  }
  return UNKNOWN(`the result of \`.${method}()\` at ${fileLine(fr, node)}`);
}
