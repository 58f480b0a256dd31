// Prints the top functions by self time of a V8 .cpuprofile (node --cpu-prof):
//   node bench/profile-top.mjs <file.cpuprofile> [top=15] [fromMs toMs]
// fromMs/toMs restrict the samples to a window counted from the start of the profile.
import { analyzeProfile, formatProfile } from './lib/profile.mjs';

const [file, top = '15', from, to] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.mjs <file.cpuprofile> [top] [fromMs toMs]');
  process.exit(2);
}
const n = Number(top);
const a = analyzeProfile(file, { top: n, windowFromMs: from === undefined ? undefined : Number(from), windowToMs: to === undefined ? undefined : Number(to) });
console.log(formatProfile(a, n));
