import type { CodeInfo } from '../codes';

// iptables-save codes. IPT0xx: what iptables-restore itself checks; CT2xx: conntrack-aware analysis.
export const IPTABLES_CODES: CodeInfo[] = [
  { code: 'IPT001', severity: 'error', title: 'iptables-restore syntax error', fixable: true },
  { code: 'IPT002', severity: 'error', title: 'Jump or goto to a chain that does not exist', fixable: true },
  { code: 'IPT003', severity: 'error', title: 'Command on a chain that does not exist (or cannot be deleted)', fixable: true },
  { code: 'IPT004', severity: 'warning', title: 'Chain declared twice' },
  { code: 'IPT005', severity: 'error', title: 'Target or match not allowed in this table or chain' },
  { code: 'IPT006', severity: 'error', title: 'Unknown match module, unknown option or bad value' },
  { code: 'IPT007', severity: 'error', title: 'Jump loop, or chains nested too deep' },
  { code: 'IPT008', severity: 'warning', title: 'Rule after an unconditional verdict never runs', tags: ['unnecessary'] },
  { code: 'IPT009', severity: 'hint', title: 'User chain never referenced' },
  { code: 'IPT010', severity: 'error', title: 'Bad chain policy' },
  { code: 'CT201', severity: 'warning', title: 'Untracked packets reach a DROP in the filter table', fixable: true },
  { code: 'CT202', severity: 'warning', title: 'State match can never match: the packets are untracked', tags: ['unnecessary'], fixable: true },
  { code: 'CT203', severity: 'hint', title: '`-j NOTRACK` is the old spelling of `-j CT --notrack`', tags: ['deprecated'], fixable: true },
  { code: 'CT204', severity: 'hint', title: '`-m state` is superseded by `-m conntrack --ctstate`', fixable: true },
  { code: 'CT205', severity: 'warning', title: 'State match in the raw table (conntrack has not run yet)' },
  { code: 'CT206', severity: 'warning', title: 'NOTRACK in one direction only: replies are still tracked', fixable: true },
];
