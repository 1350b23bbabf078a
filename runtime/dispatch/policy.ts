/**
 * decide(): CallFacts → Decision. Pure: no I/O, no onnxruntime-web import.
 * (Being implemented from RULES.md; this signature is the contract other modules code against.)
 */
import type { KernelCapability } from './capabilities';
import type { Decision } from './decision';
import type { CallFacts, Environment } from './facts';

export function decide(facts: CallFacts, env: Environment, web: readonly KernelCapability[] = []): Decision {
  void facts; void env; void web;
  throw new Error('decide() is not implemented yet');
}
