// The iptables language service: parse once, answer every LSP feature from the
// parsed document (see ast.ts). Each feature lives in its own module.

import type { LanguageService } from '../service';
import { codeActions } from './actions';
import type { IptablesDocument } from './ast';
import { completion } from './completion';
import { diagnose } from './diagnostics';
import { hover } from './hover';
import { editIptables, releasePrevious, reparseIptables } from './incremental';
import { codeLensRanges, codeLenses, codeLensTitle, inlayHints } from './inlay';
import { definition, prepareRename, references, rename } from './navigation';
import { parseIptables } from './parse';
import { folding, semanticTokenData, semanticTokens, symbols } from './symbols';

export const iptablesService: LanguageService<IptablesDocument> = {
  id: 'iptables',
  parse: parseIptables,
  reparse: reparseIptables,
  edit: editIptables,
  settle: releasePrevious,
  diagnose,
  hover: (doc, at) => hover(doc, at),
  symbols,
  folding,
  semanticTokens,
  semanticTokenData,
  completion: (doc, at) => completion(doc, at),
  inlayHints,
  codeLenses,
  codeLensRanges,
  codeLensTitle,
  codeActions,
  definition,
  references,
  prepareRename,
  rename,
};
