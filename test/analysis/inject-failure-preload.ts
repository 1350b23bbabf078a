/**
 * Preloaded (`node -r`) into the real CLI by fault-isolation.test.ts: the analysis of
 * `Broken.forward` fails, as an internal error of the analysis would.
 */
import * as observeApiModule from '../../extension/analysis/torch/observe-api';
import { injectFailure } from './inject-failure';

injectFailure(observeApiModule, 'observeApi', (...args) => (args[5] as { fn: { qualName: string } }).fn.qualName === 'Broken.forward');
