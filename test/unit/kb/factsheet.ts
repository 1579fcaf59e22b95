// Reads tables out of the reference fact sheet (../shared/reference/conntrack-facts.md,
// beside the repository) so tests check the knowledge base against the source itself.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const CANDIDATES = [resolve(__dirname, '../../../../shared/reference/conntrack-facts.md')];

export function factSheetPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`conntrack-facts.md not found (looked in ${CANDIDATES.join(', ')})`);
  return found;
}

export function factSheet(): string {
  return readFileSync(factSheetPath(), 'utf8');
}

/** Text of a section, from its heading (e.g. "## 1." or "### 5a.") up to the next heading of the same or higher level. */
export function section(md: string, heading: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`section ${heading} not found`);
  const level = heading.match(/^#+/)![0].length;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(#+)\s/.exec(lines[i]);
    if (m && m[1].length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}

/** Markdown table body rows as arrays of trimmed cells (header and separator rows dropped). */
export function tableRows(md: string): string[][] {
  const rows: string[][] = [];
  let inTable = false;
  let headerSeen = false;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false;
      headerSeen = false;
      continue;
    }
    const cells = line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split('|')
      .map((c) => c.trim());
    if (!inTable) {
      inTable = true; // header row
      continue;
    }
    if (!headerSeen && cells.every((c) => /^:?-+:?$/.test(c))) {
      headerSeen = true;
      continue;
    }
    rows.push(cells);
  }
  return rows;
}

/** Backticked spans of a cell. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/**
 * Keys named in the first cell of a §1 row: `…x` means `net.netfilter.x`, a bare `nf_x`
 * means `net.netfilter.nf_x`. Cells that name no key give [].
 */
export function keysOfCell(cell: string): string[] {
  const keys: string[] = [];
  for (const span of codeSpans(cell)) {
    let k = span.trim();
    if (k.startsWith('…')) k = 'net.netfilter.' + k.slice(1);
    else if (/^nf_[a-z0-9_]+$/.test(k)) k = 'net.netfilter.' + k;
    if (/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(k)) keys.push(k);
  }
  return keys;
}
