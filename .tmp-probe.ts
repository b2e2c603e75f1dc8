import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { triage } from './src/domain/triage/index.ts';
const rules = loadDefaultTriageRules();
for (const b of process.argv.slice(2)) console.log(JSON.stringify(triage({ body: b }, rules)), '|', b);
