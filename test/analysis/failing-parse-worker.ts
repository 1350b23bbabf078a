/** A parse worker that dies on its first request, for the pool's failure test. */
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', () => process.exit(3));
