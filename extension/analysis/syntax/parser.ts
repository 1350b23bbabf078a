/**
 * The Python parser: web-tree-sitter with the tree-sitter-python grammar, both loaded from their
 * packages' WASM files. Initialised lazily and once; the promise (and any failure) is cached.
 */
import type { Parser as ParserType, Tree } from 'web-tree-sitter';
import { missingBindingFunctions, TreeWalk, type Binding } from './tree-walk';

// CommonJS require: the package's ESM build cannot be loaded from a node16 CommonJS module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const treeSitter = require('web-tree-sitter') as typeof import('web-tree-sitter');

let ready: Promise<ParserType> | undefined;
/** The emscripten module: `Parser.init` fills in the object it is given. */
const binding = {} as Binding;

async function createParser(): Promise<ParserType> {
  await treeSitter.Parser.init(binding);
  const missing = missingBindingFunctions(binding);
  if (missing.length) throw new Error(`web-tree-sitter's binding lacks ${missing.join(', ')}: this version is not supported (package.json names the one that is)`);
  const python = await treeSitter.Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  const parser = new treeSitter.Parser();
  parser.setLanguage(python);
  return parser;
}

/** The shared parser, created on first use. */
export function pythonParser(): Promise<ParserType> {
  ready ??= createParser();
  return ready;
}

/**
 * A parser of its own for the language `pythonParser()` loaded (call once that has resolved): a
 * parse it suspends (a progress callback returning true) resumes at its next `parse` of the same
 * text, whatever the shared parser parses meanwhile.
 */
export function separatePythonParser(shared: ParserType): ParserType {
  const parser = new treeSitter.Parser();
  parser.setLanguage(shared.language);
  return parser;
}

/** A fast cursor over a tree made by `pythonParser()`; the caller deletes it. */
export function walkTree(tree: Tree): TreeWalk {
  return new TreeWalk(binding, tree);
}

export type { Tree };
export const Edit = treeSitter.Edit;
