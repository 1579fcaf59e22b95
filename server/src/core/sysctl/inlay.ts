// sysctl inlay hints (end-of-line estimates). None yet: the conntrack knowledge base adds
// them. Only lines inside `range` may be looked at (editors ask for the visible window).

import type { Settings } from '../settings';
import type { InlayHint, Range } from '../types';
import type { SysctlDocument } from './ast';

export function sysctlInlayHints(_doc: SysctlDocument, _range: Range, _settings: Settings): InlayHint[] {
  return [];
}
