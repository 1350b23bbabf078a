/**
 * A young generation of 64 MiB instead of 16: analysing a large file keeps its syntax mirror and
 * invocation results, and a small nursery copies them over and over (`npm run bench:analysis` runs
 * with the same flag: about 15% less time on a 100k-line file, a quarter of the scavenges).
 * The extension starts the language server with these flags, and so does `npm run bench:editor`.
 */
export const SERVER_V8_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
