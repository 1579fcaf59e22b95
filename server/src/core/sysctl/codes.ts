import type { CodeInfo } from '../codes';

// sysctl codes. SYS0xx: file-level sysctl problems; CT1xx: conntrack sizing and tuning.
export const SYSCTL_CODES: CodeInfo[] = [
  { code: 'SYS004', severity: 'error', title: 'Line is not `key = value`' },
];
