import { targetPlacement, modulePlacement } from '../server/src/core/iptables/modules';
console.log(JSON.stringify(targetPlacement('TCPMSS', ['--clamp-mss-to-pmtu'])), JSON.stringify(targetPlacement('TPROXY')), JSON.stringify(modulePlacement('mac')));
