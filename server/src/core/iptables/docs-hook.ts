// Documentation for match modules, targets and their options, for hover.
// hover.ts asks here first for any argument it does not describe itself
// (the generic options, commands, tables and chains are described in hover.ts).
// Returns Markdown, or null when there is nothing to say.

import type { CommandLine, IptablesDocument, Token } from './ast';

export function describeToken(doc: IptablesDocument, line: CommandLine, token: Token): string | null {
  void doc;
  void line;
  void token;
  return null;
}
