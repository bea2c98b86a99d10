// node bench/client-cpu.cjs <dist dir> <emulator url>: CPU time to load the client (provider/client.js
// of that build) and per request (getToken, 2,000 after 200 to warm up), as JSON. Used for the
// cross-fetch / node:http comparison in docs/performance.md; start the emulator in a process of
// its own (`node dist/emulator/cli.js --port 0 --admin-token bench-admin-token`).
"use strict";
const dist = process.argv[2];
const url = process.argv[3];
const t0 = process.cpuUsage();
const { LogScaleClient } = require(`${dist}/provider/client.js`);
const load = process.cpuUsage(t0);
(async () => {
  const client = new LogScaleClient({ url, apiToken: "bench-admin-token" });
  const created = await client.createOrganizationPermissionsTokenV2({ name: "cpu", permissions: ["ViewUsage"] });
  const id = created.metadata.id;
  for (let i = 0; i < 200; i++) await client.getToken(id);
  const n = 2000;
  const t1 = process.cpuUsage();
  for (let i = 0; i < n; i++) await client.getToken(id);
  const per = process.cpuUsage(t1);
  client.close();
  console.log(JSON.stringify({ loadMs: (load.user + load.system) / 1000, perRequestMs: (per.user + per.system) / 1000 / n }));
})();
