// Shared helpers for the iptables unit tests: compact summaries of a parsed
// document (for golden files), cursor markers, golden comparison.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandLine, IptablesDocument, OptionNode } from '../../../server/src/core/iptables/ast';
import type { Position, Range } from '../../../server/src/core/types';

export const UPDATE = process.env.UPDATE_GOLDEN === '1';

function opt(o: OptionNode): string {
  const vals = o.values.map((v) => (v.quoted ? JSON.stringify(v.value) : v.value)).join(' ');
  return `${o.negated ? '! ' : ''}${o.name}${vals ? ' ' + vals : ''}`;
}

/** One line per command: `7: -A INPUT | -p tcp | tcp{--dport 22} | -j ACCEPT`. */
export function renderCommand(cmd: CommandLine): string {
  const parts = [`${cmd.line + 1}: ${cmd.commandToken.value}${cmd.chain ? ' ' + cmd.chain.value : ''}${cmd.arg ? ' ' + cmd.arg.value : ''}`];
  if (cmd.counters) parts.push(`[${cmd.counters.packets}:${cmd.counters.bytes}]${cmd.counters.numeric ? '' : '?'}`);
  if (cmd.flags.length) parts.push('flags ' + cmd.flags.map(opt).join(', '));
  const r = cmd.rule;
  if (r) {
    if (r.generic.length) parts.push(r.generic.map(opt).join(' '));
    for (const m of r.matches) parts.push(`${m.implicit ? 'implicit ' : ''}${m.name}{${m.options.map(opt).join(', ')}}`);
    if (r.stray.length) parts.push(`stray{${r.stray.map(opt).join(', ')}}`);
    if (r.target) parts.push(`${r.target.kind === 'goto' ? '-g' : '-j'} ${r.target.name}${r.target.options.length ? '{' + r.target.options.map(opt).join(', ') + '}' : ''}`);
  }
  return parts.join(' | ');
}

export function rangeText(r: Range): string {
  const s = `${r.start.line + 1}:${r.start.character}`;
  return r.start.line === r.end.line ? `${s}-${r.end.character}` : `${s}-${r.end.line + 1}:${r.end.character}`;
}

export interface Summary {
  family: string;
  eol: string;
  bom?: boolean;
  tables: { name: string; lines: string; commit: boolean; chains: string[]; commands: number }[];
  commands?: string[];
  errors: string[];
}

export function summarize(doc: IptablesDocument, withCommands: boolean): Summary {
  const s: Summary = {
    family: doc.family,
    eol: doc.eol,
    tables: doc.tables.map((t) => ({
      name: t.name,
      lines: `${t.startLine + 1}-${t.endLine + 1}`,
      commit: t.commitLine !== undefined,
      chains: t.chains.map((c) => `${c.name} ${c.policy}${c.fromCommand ? ' (-N)' : ''}`),
      commands: t.commands.length,
    })),
    errors: doc.errors.map((e) => `${rangeText(e.range)} ${e.message}`),
  };
  if (doc.bom) s.bom = true;
  if (withCommands) s.commands = doc.tables.flatMap((t) => t.commands.map(renderCommand));
  return s;
}

/** Compares `actual` with the JSON golden at `path` (writes it with UPDATE_GOLDEN=1). */
export function golden(path: string, actual: unknown): void {
  const json = JSON.stringify(actual, null, 2) + '\n';
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE && !existsSync(path)) assert.fail(`missing golden ${path} (run with UPDATE_GOLDEN=1 and review it)`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, json);
    return;
  }
  assert.deepEqual(JSON.parse(json), JSON.parse(readFileSync(path, 'utf8')), `golden ${path} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

/** Removes the first `|` from `src` and returns where it was. */
export function withCursor(src: string): { text: string; at: Position } {
  const i = src.indexOf('|');
  assert.ok(i >= 0, 'no cursor marker');
  const text = src.slice(0, i) + src.slice(i + 1);
  const before = src.slice(0, i).split('\n');
  return { text, at: { line: before.length - 1, character: before[before.length - 1].length } };
}

/** The text a range covers in `text`. */
export function slice(text: string, r: Range): string {
  const lines = text.split(/\r\n|\r|\n/);
  if (r.start.line === r.end.line) return (lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

// ------------------------------------------------------- the real judge

let realReason: string | null | undefined;

/** Why the real iptables-nft-restore cannot run here (null when it can). */
export function realRestoreUnavailable(): string | null {
  if (realReason !== undefined) return realReason;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return (realReason = 'not root: `unshare -n` needs CAP_SYS_ADMIN');
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'command -v iptables-nft-restore'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return (realReason = '`unshare -n iptables-nft-restore` is not available on this machine');
  return (realReason = null);
}

/**
 * Runs real iptables-nft-restore (or ip6tables-) on `text` inside a throwaway
 * network namespace (the host's firewall is never touched).
 */
export function realRestore(text: string, v6 = false): { rc: number; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ipt-'));
  const file = join(dir, 'rules');
  writeFileSync(file, text);
  try {
    const r = spawnSync('unshare', ['-n', 'sh', '-c', `${v6 ? 'ip6' : 'ip'}tables-nft-restore < "$0"`, file], { encoding: 'utf8', timeout: 60000 });
    return { rc: r.status ?? -1, stderr: r.stderr ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
