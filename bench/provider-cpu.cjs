// Preloaded (NODE_OPTIONS=--require) into every node process of a timed `pulumi up` of the
// bench. In the dynamic provider process only, it writes the CPU time the process used
// (process.cpuUsage(): loading our package and @pulumi/pulumi, serving every resource) to
// $BENCH_PROVIDER_CPU_DIR/<pid>.json when the process ends, however the engine ends it.
"use strict";
const { writeFileSync } = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_PROVIDER_CPU_DIR;
if (dir && /cmd[\\/]dynamic-provider/.test(process.argv[1] || "")) {
  const record = (end) => {
    const { user, system } = process.cpuUsage();
    writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify({ userMicros: user, systemMicros: system, end }));
  };
  process.once("exit", () => record("exit"));
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      record(signal);
      // Then end as the signal would have without this listener.
      process.kill(process.pid, signal);
    });
  }
}
