/** Worker thread entry: one runtime per worker, answering Requests in order of arrival. */
import { parentPort, workerData } from 'node:worker_threads';
import { createRuntime } from '..';
import { benchOn } from '../bench/harness';
import type { RuntimeEnv } from '../env';
import type { Methods, Request, Response } from './messages';

const runtime = createRuntime((workerData ?? {}) as Partial<RuntimeEnv>);

async function handle(r: Request): Promise<Methods[Request['type']]['out']> {
  switch (r.type) {
    case 'attend': return runtime.attend(r.in.q, r.in.k, r.in.v, r.in.options);
    case 'parity': return runtime.parity(r.in.provider);
    case 'adapter': return runtime.adapter();
    case 'bench': return benchOn(runtime, r.in.provider, r.in.cases, r.in.policy);
    case 'dispose': await runtime.dispose(); return null;
    case 'debug':
      if (r.in.action === 'exit') process.exit(70); // ends this thread only
      for (;;) { /* hang: never yields */ }
  }
}

parentPort!.on('message', (r: Request) => {
  handle(r).then(
    (out) => parentPort!.postMessage({ type: r.type, id: r.id, out } as Response),
    (e: unknown) => parentPort!.postMessage({ type: r.type, id: r.id, err: e instanceof Error ? e.message : String(e) } as Response),
  );
});
