import { startSandboxServer } from '/work/main/test/adapters/sandbox/harness.ts';
const s = await startSandboxServer();
console.log(s.url);
process.on('SIGTERM', async () => { await s.stop(); process.exit(0); });
setInterval(() => {}, 1e6);
