// PLACEHOLDER — replaced by the iptables implementation.
import type { LanguageService } from '../service';

export const iptablesService: LanguageService<{ text: string }> = {
  id: 'iptables',
  parse: (text) => ({ text }),
  diagnose: () => [],
  hover: () => null,
  symbols: () => [],
  folding: () => [],
  semanticTokens: () => [],
  completion: () => [],
  inlayHints: () => [],
  codeActions: () => [],
};
