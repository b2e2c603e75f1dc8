import { EXAMPLE_CONFIG, loadConfig } from '../config/load.ts';
import { exampleProblems, triageCheck } from './triage-commands.ts';
import { list, UsageError } from './usage.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Every problem of every layer in one run: the config's own, then the triage rules' failing examples. */
export function configCheck(file: string | undefined): void {
  const r = loadConfig(file ?? process.env.BATON_CONFIG ?? EXAMPLE_CONFIG);
  if (!r.ok) {
    const problems = [...r.problems, ...(r.triageRules ? exampleProblems(r.triageRules) : [])];
    throw new UsageError(`Config ${r.file} has ${problems.length} problem(s):\n${list(problems)}`);
  }
  const c = r.config;
  const triageLine = triageCheck(c);
  out(`OK: ${c.file} — ${c.roster.staff.length} staff, ${c.roster.queues.length} queues, ${c.sla.length} SLA policies.`);
  out(triageLine);
}
