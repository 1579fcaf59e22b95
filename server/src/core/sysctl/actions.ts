// sysctl code actions (quick-fixes and source.fixAll). None yet: fixes are computed here
// from `finding.data` once codes with fixes exist. Edits must change only what they must.

import type { Settings } from '../settings';
import type { CodeAction, CodeActionKind, Finding, Range } from '../types';
import type { SysctlDocument } from './ast';

export function sysctlCodeActions(
  _doc: SysctlDocument,
  _range: Range,
  _findings: Finding[],
  _settings: Settings,
  _only?: CodeActionKind[],
): CodeAction[] {
  return [];
}
