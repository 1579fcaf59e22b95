import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKernelVersion } from '../../../server/src/core/kernel';
import {
  COVERED_NAMESPACES,
  defaultFor,
  isCoveredNamespace,
  KB_ENTRIES,
  lookupKey,
} from '../../../server/src/core/sysctl/kb';
import { codeSpans, factSheet, keysOfCell, section, tableRows } from './factsheet';

const k618 = parseKernelVersion('6.18')!;
const md = factSheet();
const sec1 = section(md, '## 1.');

/** Every key the fact sheet's section 1 tables name in their first column. */
function section1Keys(): string[] {
  const keys = new Set<string>();
  for (const row of tableRows(sec1)) for (const k of keysOfCell(row[0])) keys.add(k);
  return [...keys];
}

test('the fact sheet section 1 parses into a plausible key list', () => {
  const keys = section1Keys();
  // 1a has 16 rows, 1b 14, 1c 11 (incl. the pickup pair), 1d 9, 1e 8.
  assert.ok(keys.length >= 55, `only ${keys.length} keys parsed`);
  assert.ok(keys.includes('net.netfilter.nf_conntrack_max'));
  assert.ok(keys.includes('net.nf_conntrack_max'));
  assert.ok(keys.includes('net.netfilter.nf_conntrack_tcp_timeout_established')); // from "…" rows
  assert.ok(keys.includes('net.netfilter.nf_flowtable_udp_pickup')); // bare name in 1c
  assert.ok(keys.includes('net.netfilter.nf_conntrack_dccp_loose'));
});

test('the knowledge base covers every key of fact-sheet section 1', () => {
  const missing = section1Keys().filter((k) => !lookupKey(k));
  assert.deepEqual(missing, []);
});

test('the other net.netfilter keys the brief names are present', () => {
  for (const k of ['net.netfilter.nf_log_all_netns', 'net.netfilter.nf_hooks_lwtunnel', 'net.netfilter.nf_conntrack_frag6_timeout']) {
    assert.ok(lookupKey(k), k);
  }
});

test('the neighbour keys are present', () => {
  for (const k of [
    'net.ipv4.tcp_tw_reuse',
    'net.ipv4.tcp_tw_recycle',
    'net.ipv4.tcp_fin_timeout',
    'net.ipv4.tcp_max_tw_buckets',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.ip_forward',
    'net.bridge.bridge-nf-call-iptables',
    'net.bridge.bridge-nf-call-ip6tables',
    'net.bridge.bridge-nf-call-arptables',
    'fs.file-max',
    'fs.nr_open',
    'net.core.somaxconn',
  ]) {
    assert.ok(lookupKey(k), k);
  }
});

/** Expands one §5a cell into keys: `<state>`, `[_stream]`, `a/b/c` alternatives, `…x` after a full key, /proc/sys paths. */
function expandLegacyCell(cell: string, tcpStates: string[]): string[] {
  const out: string[] = [];
  let prev = '';
  for (let span of codeSpans(cell)) {
    if (span.startsWith('options ') || span.startsWith('/proc/net/') || span.startsWith('/sys/')) continue;
    if (span.startsWith('/proc/sys/')) span = span.slice('/proc/sys/'.length).replace(/\//g, '.');
    if (span.startsWith('…')) span = prev.replace(/((ip|nf)_conntrack_).*$/, '$1') + span.slice(1);
    let forms = [span];
    if (span.includes('<state>')) forms = tcpStates.map((s) => span.replace('<state>', s));
    forms = forms.flatMap((f) => {
      const m = /^(.*)\[([^\]]+)\]$/.exec(f);
      return m ? [m[1], m[1] + m[2]] : [f];
    });
    forms = forms.flatMap((f) => {
      if (!f.includes('/')) return [f];
      const [first, ...alts] = f.split('/');
      const prefix = first.slice(0, first.lastIndexOf('_') + 1);
      return [first, ...alts.map((a) => prefix + a)];
    });
    out.push(...forms.filter((f) => /^[a-z0-9_.]+$/.test(f)));
    prev = span;
  }
  return out;
}

test('every legacy row of §5a maps to its modern key', () => {
  const rows = tableRows(section(md, '### 5a.'));
  // The TCP timeout states the compatibility tables carried (the 1b timeouts minus unacknowledged).
  const tcpStates = ['syn_sent', 'syn_recv', 'established', 'fin_wait', 'close_wait', 'last_ack', 'time_wait', 'close', 'max_retrans'];
  let checked = 0;
  let previousModern: string[] = [];
  for (const [legacyCell, modernCell] of rows) {
    const legacyKeys = expandLegacyCell(legacyCell, tcpStates);
    // "same" = the modern key of the row above.
    const modernKeys = modernCell.trim() === 'same' ? previousModern : expandLegacyCell(modernCell, tcpStates);
    previousModern = modernKeys;
    if (!legacyKeys.length) continue; // module options, /proc/net paths
    assert.ok(modernKeys.length >= 1, `no modern key parsed from ${modernCell}`);
    legacyKeys.forEach((lk, i) => {
      const entry = lookupKey(lk);
      assert.ok(entry, `legacy key ${lk} missing`);
      const expected = modernKeys.length === legacyKeys.length ? modernKeys[i] : modernKeys[0];
      assert.equal(entry!.renamedTo, expected, lk);
      checked++;
    });
  }
  assert.ok(checked >= 22, `only ${checked} legacy keys checked`);
});

test('table invariants: unique keys, resolvable relations, docs links, own-words summaries', () => {
  const seen = new Set<string>();
  for (const e of KB_ENTRIES) {
    assert.ok(!seen.has(e.key), `duplicate ${e.key}`);
    seen.add(e.key);
    assert.match(e.docs, /^https:\/\/docs\.kernel\.org\//, e.key);
    assert.ok(e.summary.length > 20 && e.summary.length < 420, `${e.key} summary length ${e.summary.length}`);
    const sentences = e.summary.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
    assert.ok(sentences <= 3, `${e.key}: ${sentences} sentences`);
    for (const r of e.related) assert.ok(lookupKey(r), `${e.key} relates to unknown ${r}`);
    if (e.renamedTo) {
      const target = lookupKey(e.renamedTo);
      assert.ok(target && !target.renamedTo, `${e.key} → ${e.renamedTo}`);
    }
    for (const m of [e.since, e.removedIn, e.writableSince, ...(e.typeHistory ?? []).map((t) => t.before), ...(e.default.history ?? []).map((h) => h.until)]) {
      if (m) assert.ok(parseKernelVersion(m.version), `${e.key}: bad version ${m.version}`);
    }
    for (const s of e.sections) assert.match(s, /^[1-8][a-f]?$/, `${e.key}: section ${s}`);
    if (e.type.kind === 'seconds' && e.key.includes('netfilter')) {
      assert.ok(e.role === 'timeout' || e.role === 'time-wait-timeout', `${e.key} is a timeout without the timeout role`);
    }
  }
});

test('covered namespaces: every entry under them is in the table and legacy ones are flagged legacy', () => {
  for (const p of COVERED_NAMESPACES) assert.ok(KB_ENTRIES.some((e) => e.key.startsWith(p)), p);
  for (const e of KB_ENTRIES) {
    if (e.key.startsWith('net.ipv4.netfilter.ip_conntrack_') || e.key.startsWith('net.ipv4.ip_conntrack_')) {
      assert.ok(e.renamedTo, `${e.key} should be legacy`);
    }
  }
  assert.equal(isCoveredNamespace('net.netfilter.nf_conntrack_bogus'), true);
  assert.equal(isCoveredNamespace('net.netfilter.nf_log.2'), false);
});

/** First number of a default cell, when the cell is a plain number ("120", "**210**", "1 (bool)", "0 (module param `acct`)"). */
function plainDefault(cell: string): string | null {
  if (cell.includes('×') || /auto|computed|same/.test(cell)) return null;
  const m = /^\*{0,2}(\d+)\*{0,2}(?:\s|$)/.exec(cell.trim());
  return m ? m[1] : null;
}

test('defaults on 6.18 equal the fact sheet (sections 1a–1e)', () => {
  const subsections: Array<[string, number]> = [
    ['### 1a.', 2],
    ['### 1b.', 1],
    ['### 1c.', 1],
    ['### 1d.', 1],
    ['### 1e.', 1],
  ];
  let compared = 0;
  for (const [heading, col] of subsections) {
    for (const row of tableRows(section(md, heading))) {
      const keys = keysOfCell(row[0]);
      const expected = plainDefault(row[col] ?? '');
      if (!keys.length || expected === null) continue;
      for (const key of keys) {
        const entry = lookupKey(key)!;
        assert.equal(defaultFor(entry, k618).value, expected, `${key} default`);
        compared++;
      }
    }
  }
  assert.ok(compared >= 45, `only ${compared} defaults compared`);
});
