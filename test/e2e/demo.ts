/**
 * `npm run demo`: plays the seed's worked examples (§4.1–4.5, §5.1, and bar.example down for a
 * while) across two servers, a mail relay and the clients, printing each step for people, then
 * the final state of every store. Exits 1 when a step failed.
 */
import { describeOutcome, playWorkedExamples } from './worked-examples.js';

const outcome = await playWorkedExamples({ say: (line) => console.log(line) });
console.log('');
console.log('Final states (who has the event where, with which PARTSTAT):');
for (const line of describeOutcome(outcome)) console.log(line);
for (const s of outcome.skipped) console.log(`skipped: ${s.step}: ${s.why}`);
const failed = outcome.examples.filter((e) => e.error);
console.log('');
console.log(failed.length ? `${failed.length} example(s) failed: ${failed.map((e) => e.id).join(', ')}` : `All examples played in ${(outcome.elapsedMs / 1000).toFixed(1)} s.`);
process.exitCode = failed.length ? 1 : 0;
