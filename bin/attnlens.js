#!/usr/bin/env node
// The command-line face; the compiled CLI lives in out/ (built by `npm install` via `prepare`).
require('../out/extension/cli/main.js').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
