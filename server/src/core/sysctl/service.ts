// The sysctl language service: wires the parser and the per-feature modules together.
// Each feature lives in its own file (diagnostics.ts, hover.ts, symbols.ts, completion.ts,
// inlay.ts, actions.ts); extend those, not this one.

import type { LanguageService } from '../service';
import { sysctlCodeActions } from './actions';
import type { SysctlDocument } from './ast';
import { completeSysctl } from './completion';
import { diagnoseSysctl } from './diagnostics';
import { hoverSysctl } from './hover';
import { sysctlInlayHints } from './inlay';
import { parseSysctl, reparseSysctl } from './parse';
import { sysctlFolding, sysctlSemanticTokens, sysctlSymbols } from './symbols';

export const sysctlService: LanguageService<SysctlDocument> = {
  id: 'sysctl',
  parse: parseSysctl,
  reparse: reparseSysctl,
  diagnose: diagnoseSysctl,
  hover: hoverSysctl,
  symbols: sysctlSymbols,
  folding: sysctlFolding,
  semanticTokens: sysctlSemanticTokens,
  completion: completeSysctl,
  inlayHints: sysctlInlayHints,
  codeActions: sysctlCodeActions,
};
