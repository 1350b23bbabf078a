/**
 * Memory back after documents close. V8 grows its heap while a workspace is analysed and edited and
 * keeps it: closing documents frees their analyses' objects, but the process stays as large until a
 * full collection happens to run, which an idle server does not trigger. So some seconds after the
 * analysis that follows closed documents, with nothing else scheduled, the server runs one full
 * collection (V8's `gc`, exposed at run time: the server may be started by any editor, without
 * `--expose-gc`). Not after keystrokes: a full collection takes a few hundred milliseconds.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

export const IDLE_COLLECTION_DELAY_MS = 3000;

let exposed: (() => void) | undefined;

function fullCollection(): void {
  if (!exposed) {
    v8.setFlagsFromString('--expose-gc');
    exposed = vm.runInNewContext('gc') as () => void;
  }
  exposed();
}

export class IdleCollection {
  private timer: NodeJS.Timeout | null = null;
  private wanted = false;

  constructor(private readonly collect: () => void = fullCollection, private readonly delayMs = IDLE_COLLECTION_DELAY_MS) {}

  /** Documents closed: collect once the analysis that follows them is done and the server idles. */
  closed(): void {
    this.wanted = true;
  }

  /** An analysis ended: if documents closed before it, collect after a quiet delay. */
  analysed(): void {
    if (!this.wanted) return;
    this.wanted = false;
    this.cancel();
    this.timer = setTimeout(() => { this.timer = null; this.collect(); }, this.delayMs);
    this.timer.unref();
  }

  /** More work is coming (an edit): a pending collection waits for the next idle time. */
  busy(): void {
    if (this.timer === null) return;
    this.cancel();
    this.wanted = true;
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
