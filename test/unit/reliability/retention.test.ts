// A dropped document leaves nothing behind in the core: after analysing a dump (diagnostics,
// symbols, lenses, hints, hover, tokens of every line) and letting go of it, the heap returns
// to where it was. Module-level state (a shared line parser, memo tables of value checks)
// must not keep a slice of the text — V8's slices keep their whole parent string alive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as core from '../../../server/src/core';
import type { IptablesDocument } from '../../../server/src/core/iptables/ast';
import { kubeProxyDump } from '../../server/reliability-lib';
import { findOption, getModule, validateOptionValue } from '../../../server/src/core/iptables/modules';
import { fullRange } from './lib';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function analyseAndDrop(seed: number): number {
  // A fresh text each time (the seed goes into a comment), as a new document would be.
  const text = kubeProxyDump(4_000).replace('on Mon Nov 23', `seed ${seed} on Mon Nov 23`);
  const a = core.analyze('iptables', undefined, text)!;
  const settings = core.DEFAULT_SETTINGS;
  const findings = core.diagnose(a, settings);
  const s = a.service;
  s.symbols(a.doc);
  s.codeLenses?.(a.doc, undefined, settings);
  s.inlayHints(a.doc, fullRange(text), settings);
  s.semanticTokens(a.doc);
  s.codeActions(a.doc, fullRange(text), findings, settings);
  for (const line of [5, 20_010, 50_000]) {
    s.hover(a.doc, { line, character: 12 }, settings);
    s.completion(a.doc, { line, character: 40 }, settings);
    s.definition?.(a.doc, { line, character: 3 });
  }
  // Materialise every rule's tree, as whole-document passes do.
  for (const l of (a.doc as IptablesDocument).lines) if (l.kind === 'command') void l.tokens.length;
  return text.length;
}

// Also the regression test of the shared line parser (parse.ts `materializer`), which kept the
// tokens of the last rule it built, and through them the whole text of a closed document.
test('analysing a dump and dropping it leaves its text and trees collectable', () => {
  analyseAndDrop(1); // warm-up: code, memo tables and caches reach their steady size
  /^/.test(''); // as the server does on close (V8 keeps the last RegExp subject alive)
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const size = analyseAndDrop(2);
  /^/.test('');
  gc();
  gc();
  const kept = process.memoryUsage().heapUsed - before;
  assert.ok(size > 4_000_000, `a ${(size / 1e6).toFixed(1)} MB dump`);
  assert.ok(kept < size / 4, `${(kept / 1e6).toFixed(1)} MB still held after dropping a ${(size / 1e6).toFixed(1)} MB dump`);
});

/** Heap still used after `fn` ran and everything it made was dropped (RegExp statics reset). */
function heldAfter(fn: () => void): number {
  /^/.test('');
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  fn();
  /^/.test('');
  gc();
  gc();
  return process.memoryUsage().heapUsed - before;
}

const BIG = 8_000_000;
/** A big text and a 20-character slice of it (V8 keeps the whole text alive through the slice). */
const bigSlice = (c: string): string => (c.repeat(BIG) + '10.244.100.200:8080' + c).slice(BIG, BIG + 19);

test('regression: the value-check memo keeps copies, not slices of the document', () => {
  const conntrack = getModule('conntrack');
  assert.ok(conntrack, 'conntrack module');
  const opt = findOption(conntrack, '--ctorigdst');
  assert.ok(opt, '--ctorigdst option');
  for (let i = 0; i < 3; i++) validateOptionValue(opt, [`10.0.0.${i}`]); // the memo exists
  const held = heldAfter(() => {
    assert.equal(validateOptionValue(opt, [bigSlice('x')]) === undefined, false);
  });
  assert.ok(held < BIG / 4, `${(held / 1e6).toFixed(1)} MB held through the memo`);
});
