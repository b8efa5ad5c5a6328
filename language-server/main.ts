import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// Entry of dist/server.js. The transport comes from argv: `--stdio` (what the extension and tests
// use), `--node-ipc` or `--socket=N`, as vscode-languageserver reads them.
startServer(createConnection(ProposedFeatures.all));
