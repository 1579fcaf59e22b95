// The client only starts the language server for the two languages.

import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  // stdio: the server writes its messages itself there (a big semantic-tokens answer goes
  // out as bytes straight from packed numbers, see server/src/convert.ts), where node IPC
  // would serialise a copy of every answer as one JS string. It is also how the benchmark
  // and the tests start the server.
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Any scheme: the server reads only what the editor sends (virtual and remote files work).
    documentSelector: [{ language: 'sysctl' }, { language: 'iptables' }],
    synchronize: { configurationSection: 'conntrackLens' },
  };
  client = new LanguageClient('conntrackLens', 'Conntrack Lens', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
