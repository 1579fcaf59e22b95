import type { CodeInfo } from '../codes';

// sysctl codes. SYS0xx: file-level sysctl problems; CT1xx: conntrack sizing and tuning.
// Stable strings: never renumber, never reuse (SYS004 came first; the others were added
// together with the knowledge base). Each has docs/diagnostics/<CODE>.md.
export const SYSCTL_CODES: CodeInfo[] = [
  { code: 'SYS004', severity: 'error', title: 'Line is not `key = value`' },
  { code: 'SYS001', severity: 'warning', title: 'Unknown conntrack key', fixable: true },
  { code: 'SYS002', severity: 'error', title: 'Value of the wrong type or out of range' },
  { code: 'SYS003', severity: 'warning', title: 'Key set again later in the file', tags: ['unnecessary'], fixable: true },
  { code: 'SYS005', severity: 'warning', title: 'Key does not exist on the configured kernel' },
  { code: 'SYS006', severity: 'error', title: 'Read-only key' },
  { code: 'CT101', severity: 'warning', title: 'Too many conntrack entries per hash bucket', fixable: true },
  { code: 'CT102', severity: 'warning', title: 'Full conntrack table takes too much of the host memory' },
  { code: 'CT103', severity: 'info', title: 'More hash buckets than nf_conntrack_max can fill' },
  { code: 'CT104', severity: 'info', title: 'Keys need the conntrack module loaded before systemd-sysctl runs' },
  { code: 'CT105', severity: 'warning', title: 'Legacy ip_conntrack key name', tags: ['deprecated'], fixable: true },
  { code: 'CT106', severity: 'hint', title: 'Long TCP conntrack timeout' },
];
