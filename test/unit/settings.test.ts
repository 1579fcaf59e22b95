// The settings schema has one source, server/src/core/settings.ts: package.json's
// `contributes.configuration` must be exactly what configurationContribution() builds,
// and what the server makes of user input must follow the same schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  configurationContribution,
  DEFAULT_SETTINGS,
  resolveSettings,
  SETTINGS_PREFIX,
  SETTINGS_SCHEMA,
  SEVERITY_OVERRIDES,
} from '../../server/src/core/settings';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Prop {
  type: string;
  default: unknown;
  description: string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  additionalProperties?: { type: string; enum: string[] };
}
const props = (): Record<string, Prop> => (configurationContribution() as { properties: Record<string, Prop> }).properties;

test('package.json contributes.configuration equals configurationContribution()', () => {
  const expected = configurationContribution();
  assert.deepEqual(
    pkg.contributes.configuration,
    expected,
    `package.json is out of date; set contributes.configuration to:\n${JSON.stringify(expected, null, 2)}`,
  );
});

test('every setting is under the conntrackLens prefix, typed, described, with a default of its type', () => {
  const p = props();
  assert.equal(Object.keys(p).length, SETTINGS_SCHEMA.length, 'no duplicate keys');
  for (const [key, s] of Object.entries(p)) {
    assert.match(key, new RegExp(`^${SETTINGS_PREFIX}\\.[a-z][A-Za-z]*(\\.[a-z][A-Za-z]*)?$`), key);
    assert.ok(['string', 'number', 'boolean', 'object'].includes(s.type), `${key}: type ${s.type}`);
    assert.ok(s.description.length > 20, `${key} has a real description`);
    const actual = s.default !== null && typeof s.default === 'object' ? 'object' : typeof s.default;
    assert.equal(actual, s.type, `${key}: default ${JSON.stringify(s.default)} is a ${s.type}`);
    if (s.pattern !== undefined) assert.match(String(s.default), new RegExp(s.pattern), `${key}: default matches its pattern`);
    if (s.minimum !== undefined) assert.ok((s.default as number) >= s.minimum, `${key}: default ≥ minimum`);
    if (s.maximum !== undefined) assert.ok((s.default as number) <= s.maximum, `${key}: default ≤ maximum`);
  }
});

test('conntrackLens.severity accepts exactly off|hint|info|warning|error per code', () => {
  const sev = props()[`${SETTINGS_PREFIX}.severity`];
  assert.ok(sev, 'conntrackLens.severity exists');
  assert.equal(sev.type, 'object');
  assert.deepEqual(sev.default, {});
  assert.deepEqual(sev.additionalProperties, { type: 'string', enum: ['off', 'hint', 'info', 'warning', 'error'] });
  assert.deepEqual([...SEVERITY_OVERRIDES], ['off', 'hint', 'info', 'warning', 'error']);
});

test('the schema defaults are the server defaults', () => {
  const p = props();
  const get = (obj: unknown, dotted: string): unknown =>
    dotted.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
  for (const [key, s] of Object.entries(p)) {
    assert.deepEqual(get(DEFAULT_SETTINGS, key.slice(SETTINGS_PREFIX.length + 1)), s.default, key);
  }
  assert.deepEqual(resolveSettings(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(resolveSettings({}), DEFAULT_SETTINGS);
  assert.deepEqual(resolveSettings(null), DEFAULT_SETTINGS);
});

test('resolveSettings keeps valid user values, including nested ones', () => {
  const s = resolveSettings({
    kernelVersion: ' 6.12 ',
    hostMemory: '64GiB',
    entryBytes: 320,
    maxEntriesPerBucket: 4,
    maxMemoryShare: 25,
    connectionRate: 5000,
    inlayHints: { memory: false, timeouts: false },
    severity: { SYS004: 'off', IPT001: 'warning' },
  });
  assert.equal(s.kernelVersion, '6.12');
  assert.equal(s.hostMemory, '64GiB');
  assert.equal(s.entryBytes, 320);
  assert.equal(s.maxEntriesPerBucket, 4);
  assert.equal(s.maxMemoryShare, 25);
  assert.equal(s.connectionRate, 5000);
  assert.deepEqual(s.inlayHints, { memory: false, buckets: true, timeouts: false, chains: true });
  assert.deepEqual(s.severity, { SYS004: 'off', IPT001: 'warning' });
});

test('resolveSettings falls back to the default for values the schema rejects', () => {
  const s = resolveSettings({
    kernelVersion: 'latest',
    hostMemory: 'lots',
    entryBytes: -1,
    maxEntriesPerBucket: 0,
    maxMemoryShare: 150,
    connectionRate: Number.NaN,
    inlayHints: { memory: 'no', buckets: 0 },
    severity: { SYS004: 'silent', IPT001: 3, CT101: 'error' },
  });
  assert.equal(s.kernelVersion, DEFAULT_SETTINGS.kernelVersion);
  assert.equal(s.hostMemory, DEFAULT_SETTINGS.hostMemory);
  assert.equal(s.entryBytes, DEFAULT_SETTINGS.entryBytes);
  assert.equal(s.maxEntriesPerBucket, DEFAULT_SETTINGS.maxEntriesPerBucket);
  assert.equal(s.maxMemoryShare, DEFAULT_SETTINGS.maxMemoryShare);
  assert.equal(s.connectionRate, DEFAULT_SETTINGS.connectionRate);
  assert.deepEqual(s.inlayHints, DEFAULT_SETTINGS.inlayHints);
  assert.deepEqual(s.severity, { CT101: 'error' }, 'only valid levels survive');
  assert.deepEqual(resolveSettings({ severity: ['SYS004'] }).severity, {}, 'an array is not a severity map');
  assert.deepEqual(resolveSettings('kernelVersion=6.1'), DEFAULT_SETTINGS, 'a non-object is ignored');
});
