import { iptablesService as s } from '../server/src/core/iptables/service';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
const text = process.argv[2].replace(/\\n/g, '\n');
const i = text.indexOf('|'); const t = text.slice(0, i) + text.slice(i + 1);
const before = text.slice(0, i).split('\n');
const h = s.hover(s.parse(t), { line: before.length - 1, character: before[before.length - 1].length }, DEFAULT_SETTINGS);
console.log(JSON.stringify(h?.range), '\n' + (h?.contents ?? 'null'));
