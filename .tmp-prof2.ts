import fs from 'node:fs';
import { loadDefaultTriageRules } from './src/config/triage-schema.ts';
import { triage } from './src/domain/triage/index.ts';
const rules = loadDefaultTriageRules();
const read = (f: string) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).message);
const msgs = [...read('/work/shared/corpus/dev-messages.ndjson'), ...read('test/domain/triage/holdout.ndjson')];
for (let i = 0; i < 60000; i++) triage(msgs[i % msgs.length]!, rules);
