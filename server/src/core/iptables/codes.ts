import type { CodeInfo } from '../codes';

// iptables-save codes. IPT0xx: what iptables-restore itself checks; CT2xx: conntrack-aware analysis.
export const IPTABLES_CODES: CodeInfo[] = [
  { code: 'IPT001', severity: 'error', title: 'iptables-restore syntax error', fixable: true },
];
