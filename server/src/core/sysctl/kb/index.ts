// The sysctl knowledge base: a typed table with one entry per key, and the helpers the
// sysctl language service uses (lookup, did-you-mean, value validation, version status,
// defaults, markdown docs). Sources and how to add a key: docs/knowledge-base.md.

export type {
  ComputedDefault,
  DefaultSpec,
  KbEntry,
  KeyRole,
  KeyStatus,
  Scope,
  TypeEra,
  Unit,
  ValueProblem,
  ValueType,
  VersionMark,
} from './types';
export { KB_ENTRIES, NF_DOC } from './table';
export { allKeys, COVERED_NAMESPACES, editDistance, isCoveredNamespace, lookupKey, normaliseKey, suggestKeys } from './lookup';
export { DEFAULT_HZ, parseSysctlInteger, typeFor, validateValue } from './validate';
export type { ValidateOptions } from './validate';
export { defaultFor, isReadOnly, keyStatus } from './status';
export type { DefaultValue } from './status';
export { describeType, existsOn, renderKeyDocs } from './render';
export type { RenderOptions } from './render';
