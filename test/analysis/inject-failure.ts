/** Test support: make one exported function of a compiled module throw when `when` holds for its arguments. */
export function injectFailure(exportsObject: Record<string, unknown>, name: string, when: (...args: unknown[]) => boolean): () => void {
  const original = exportsObject[name] as (...args: unknown[]) => unknown;
  exportsObject[name] = function (this: unknown, ...args: unknown[]) {
    if (when(...args)) throw new Error(`injected failure in ${name}`);
    return original.apply(this, args);
  };
  return () => { exportsObject[name] = original; };
}
