// Restore-level diagnostics (IPT002–IPT010) and their quick-fixes: what
// iptables-restore itself would refuse (errors), what only one backend refuses
// (warnings), and dead or unused parts of the ruleset (warning, hint).
// diagnostics.ts and actions.ts append these to their lists.

import type { Settings } from '../../settings';
import type { CodeAction, Finding, Range } from '../../types';
import type { IptablesDocument } from '../ast';
import { deadRuleFindings, unusedChainFindings } from './dead';
import { declarationFindings } from './declarations';
import { chainFixes } from './fixes';
import { loopFindings } from './loops';
import { optionsAnalysis } from './options';
import { placementFindings } from './placement';

export type RestoreRule = (doc: IptablesDocument, settings: Settings) => Finding[];

/** IPT002/IPT003/IPT004/IPT010: chains and policies, line by line. */
export const restoreDeclarations: RestoreRule = (doc) => declarationFindings(doc);
/** IPT005: targets and matches where the kernel refuses them. */
export const restorePlacement: RestoreRule = (doc) => placementFindings(doc);
/** IPT006: modules, options and values. */
export const restoreOptions: RestoreRule = (doc) => optionsAnalysis(doc).findings;
/** IPT007: loops and too deep nesting. */
export const restoreLoops: RestoreRule = (doc) => loopFindings(doc);
/** IPT008: rules after an unconditional verdict. */
export const restoreDeadRules: RestoreRule = (doc) => deadRuleFindings(doc);
/** IPT009: user chains nothing jumps to. */
export const restoreUnusedChains: RestoreRule = (doc) => unusedChainFindings(doc);

export const RESTORE_RULES: RestoreRule[] = [restoreDeclarations, restorePlacement, restoreOptions, restoreLoops, restoreDeadRules, restoreUnusedChains];

/** Quick-fixes for IPT002 and IPT003. */
export function restoreFixes(doc: IptablesDocument, range: Range, findings: Finding[], _settings: Settings): CodeAction[] {
  return chainFixes(doc, range, findings);
}
