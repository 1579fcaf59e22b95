// PLACEHOLDER — replaced by the sysctl implementation.
import type { LanguageService } from '../service';

export const sysctlService: LanguageService<{ text: string }> = {
  id: 'sysctl',
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
