/** Entry of the bundled CLI (dist/attnlens.js), which the VS Code client starts as `attnlens lsp`. */
import { main } from './main';

void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
