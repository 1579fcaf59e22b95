// SuggestionIndex (did-you-mean over a long candidate list, built once) must answer
// exactly as closest() over the same list: same case-insensitive hit, same nearest
// candidate, same tie-break (the first in list order), the same "nothing close".

import assert from 'node:assert/strict';
import test from 'node:test';
import { closest, SuggestionIndex } from '../../../../server/src/core/iptables/restore/suggest';
import { randInt, randomWord } from '../../shared';

test('SuggestionIndex agrees with closest() on random lists (case, ties, non-ASCII, İ)', () => {
  const r = randInt(11);
  const alphabet = 'abcABCxyzXYZ-_.0K\u0130i\u0131I\u03a3\u03c3';
  const word = (max: number) => randomWord(r, alphabet, max);
  let found = 0;
  for (let t = 0; t < 5000; t++) {
    const candidates = Array.from({ length: 1 + r(40) }, () => word(10));
    const index = new SuggestionIndex(candidates);
    for (let q = 0; q < 3; q++) {
      let name = r(3) ? word(12) : candidates[r(candidates.length)];
      if (r(2)) {
        const i = r(name.length + 1);
        name = name.slice(0, i) + alphabet[r(alphabet.length)] + name.slice(i + 1);
      }
      if (r(4) === 0) name = r(2) ? name.toUpperCase() : name.toLowerCase();
      const want = closest(name, candidates);
      if (want !== undefined) found++;
      assert.equal(index.closest(name), want, JSON.stringify({ name, candidates }));
    }
  }
  assert.ok(found > 1000, `close names occur (${found})`);
});

test('SuggestionIndex on kube-proxy-like chain names: typos found, the exact name skipped, far names left alone', () => {
  const r = randInt(3);
  const b32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const hash = () => Array.from({ length: 16 }, () => b32[r(32)]).join('');
  const names = ['INPUT', 'FORWARD', 'OUTPUT', 'KUBE-MARK-MASQ', 'KUBE-SERVICES'];
  for (let i = 0; i < 3000; i++) names.push(`KUBE-${['SVC', 'SEP', 'EXT', 'FW'][i % 4]}-${hash()}`);
  const index = new SuggestionIndex(names);
  const queries = ['KUBE-MARK-MASK', 'kube-services', 'KUBE-MARK-MASQ', 'NOTHING-LIKE-IT-AT-ALL'];
  for (let i = 0; i < 200; i++) {
    const n = names[5 + r(names.length - 5)];
    const j = r(n.length);
    queries.push(n.slice(0, j) + 'Z' + n.slice(j + 1), n + 'X', n.slice(0, -1));
  }
  for (const q of queries) assert.equal(index.closest(q), closest(q, names), q);
  assert.equal(index.closest('KUBE-MARK-MASK'), 'KUBE-MARK-MASQ');
  assert.equal(index.closest('kube-services'), 'KUBE-SERVICES', 'the same name in another case');
  assert.equal(index.closest('NOTHING-LIKE-IT-AT-ALL'), undefined);
});
