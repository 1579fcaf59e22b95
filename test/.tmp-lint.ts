import { readFileSync } from 'node:fs';
import { iptablesService as s } from '../server/src/core/iptables/service';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { renderCommand } from './unit/iptables/helpers';
const text = process.argv[2] === '-' ? readFileSync(0, 'utf8') : readFileSync(process.argv[2], 'utf8');
const doc = s.parse(text);
for (const f of s.diagnose(doc, DEFAULT_SETTINGS)) console.log(`${f.range.start.line + 1}:${f.range.start.character}-${f.range.end.character} ${f.code} ${f.severity} ${f.message}`);
if (process.argv[3]) for (const t of doc.tables) for (const c of t.commands) console.log(renderCommand(c));
