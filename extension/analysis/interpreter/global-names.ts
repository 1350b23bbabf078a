/**
 * What code elsewhere read of a module's top level, name by name: each global name of a module has a
 * token that code reading the name records (as it records the statements it reads), kept across runs
 * while the name's value is the same. A keystroke in a module-level statement of a module that every
 * model imports (`_probe = 1` typed into a config module) re-runs that module's top level, and only
 * the readers of the names whose value changed run again, not every importer.
 */
/** The pseudo-name of the SDPA switches a module's top level sets at import time (sdpa-switches.ts). */
export const IMPORT_SWITCHES = '\u0000switches';

interface NameToken {
  /** The value's key (`valueKey`, with the words of where it came from: messages cite them), or `absent`. */
  readonly key: string;
  readonly token: object;
}

const ABSENT = 'absent';

export class GlobalNameTokens {
  private readonly modules = new Map<string, Map<string, NameToken>>();
  /** Modules whose top level this run has settled (run afresh or reused), and the tokens live in it. */
  private readonly settledNow = new Set<string>();
  private readonly live = new Set<object>();

  /** A new run: nothing settled yet. */
  startRun(): void {
    this.settledNow.clear();
    this.live.clear();
  }

  /** Every token renewed: the files' defined names changed, or files opened or closed. */
  clear(): void {
    this.modules.clear();
  }

  /** The module's top level ran afresh and bound `values` (its switches under IMPORT_SWITCHES): a name keeps its token while its value's key is the same. */
  settle(path: string, values: ReadonlyMap<string, unknown>, keyOf: (v: unknown) => string): void {
    const before = this.modules.get(path) ?? new Map<string, NameToken>();
    const now = new Map<string, NameToken>();
    for (const [name, value] of values) {
      const key = keyOf(value);
      const old = before.get(name);
      now.set(name, old?.key === key ? old : { key, token: {} });
    }
    // Names read before and still unbound keep their token; names no longer bound get a new one.
    for (const [name, old] of before) if (!now.has(name)) now.set(name, old.key === ABSENT ? old : { key: ABSENT, token: {} });
    this.modules.set(path, now);
    this.markSettled(path);
  }

  /** The module's top level was reused whole: its tokens stand. */
  keep(path: string): void {
    this.markSettled(path);
  }

  /**
   * The token a read of `name` in the module records; undefined while the module's top level is not
   * settled in this run (only its own top-level run reads it then, and that records its statements).
   */
  token(path: string, name: string): object | undefined {
    if (!this.settledNow.has(path)) return undefined;
    let names = this.modules.get(path);
    if (!names) this.modules.set(path, names = new Map());
    let entry = names.get(name);
    if (!entry) {
      names.set(name, entry = { key: ABSENT, token: {} });
      this.live.add(entry.token);
    }
    return entry.token;
  }

  isLive(token: object): boolean {
    return this.live.has(token);
  }

  private markSettled(path: string): void {
    this.settledNow.add(path);
    for (const entry of this.modules.get(path)?.values() ?? []) this.live.add(entry.token);
  }
}
