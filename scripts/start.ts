/**
 * npm start (`up`), npm run destroy (`destroy`), npm run preview (`preview`): the quickstart
 * stack of Pulumi.yaml through the Automation API, against the embedded emulator unless
 * LOGSCALE_URL is set, in which case against that LogScale with LOGSCALE_TOKEN.
 */
import { LocalWorkspace, type OutputMap, PulumiCommand } from "@pulumi/pulumi/automation";
import { type RunningEmulator, startEmulator } from "../emulator";
import quickstart = require("../examples/quickstart");
import { LogScaleClient } from "../provider/client";
import {
  emulatorAdminToken,
  emulatorStateFile,
  ensurePulumi,
  ensureSelfLink,
  projectDir,
  projectName,
  pulumiEnvironment,
  stackName,
} from "./quickstart-env";

type Command = "up" | "destroy" | "preview";

interface Target {
  readonly url: string;
  readonly token: string;
  readonly description: string;
  readonly emulator?: RunningEmulator;
}

async function target(): Promise<Target> {
  const url = process.env["LOGSCALE_URL"];
  if (url) {
    const token = process.env["LOGSCALE_TOKEN"];
    if (!token) throw new Error("LOGSCALE_URL is set but LOGSCALE_TOKEN is not: set the API token too.");
    return { url, token, description: `LogScale at ${url}` };
  }
  const emulator = await startEmulator({ adminToken: emulatorAdminToken, statePath: emulatorStateFile });
  return { url: emulator.url, token: emulatorAdminToken, description: `the embedded LogScale emulator at ${emulator.url}`, emulator };
}

/** The quickstart takes view ids; people know their views by name. */
async function viewIds(url: string, token: string): Promise<string[]> {
  const names = (process.env["QUICKSTART_VIEWS"] ?? "dashboards,security-audit").split(",").map((name) => name.trim()).filter(Boolean);
  const client = new LogScaleClient({ url, apiToken: token, credentialSource: "LOGSCALE_TOKEN" });
  try {
    return await Promise.all(names.map(async (name) => (await client.searchDomain(name)).id));
  } finally {
    client.close();
  }
}

/** The engine has just printed the outputs, secrets masked; say what comes next. */
function printNextSteps(outputs: OutputMap): void {
  const secrets = Object.keys(outputs).filter((name) => outputs[name]?.secret).sort();
  console.log(`
The token outputs (${secrets.join(", ")}) are Pulumi secrets, masked above.
Reveal one:     npm run pulumi -- stack output ${secrets.includes("ciToken") ? "ciToken" : secrets[0]} --show-secrets
Preview again:  npm run preview
Tear down:      npm run destroy`);
}

async function main(command: Command): Promise<void> {
  const binDir = ensurePulumi();
  ensureSelfLink();
  const logscale = await target();
  try {
    console.log(`Quickstart stack '${stackName}' against ${logscale.description}\n`);
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, projectName: projectName(), program: quickstart },
      {
        workDir: projectDir,
        pulumiCommand: await PulumiCommand.get({ root: binDir.replace(/\/bin$/, ""), skipVersionCheck: true }),
        // The provider reads LOGSCALE_URL / LOGSCALE_TOKEN at run time: no credential in the stack's config file.
        envVars: { ...pulumiEnvironment(binDir), LOGSCALE_URL: logscale.url, LOGSCALE_TOKEN: logscale.token },
      },
    );
    await stack.setConfig("quickstart:viewIds", { value: JSON.stringify(await viewIds(logscale.url, logscale.token)) });
    if (process.env["QUICKSTART_SYSTEM_TOKEN"] !== undefined) {
      await stack.setConfig("quickstart:systemToken", { value: process.env["QUICKSTART_SYSTEM_TOKEN"] });
    }
    const onOutput = (text: string) => process.stdout.write(text);
    if (command === "destroy") {
      await stack.destroy({ onOutput, refresh: true });
      return;
    }
    if (command === "preview") {
      await stack.preview({ onOutput, refresh: true, diff: true });
      return;
    }
    const result = await stack.up({ onOutput, refresh: true });
    printNextSteps(result.outputs);
  } finally {
    await logscale.emulator?.stop();
  }
}

const command = (process.argv[2] ?? "up") as Command;
if (!["up", "destroy", "preview"].includes(command)) {
  console.error(`usage: start.ts [up|destroy|preview]`);
  process.exit(2);
}
main(command).catch((error: unknown) => {
  // The engine has already printed the details; repeat only the gist.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\n${command} failed: ${message.split("\n").find((line) => line.includes("error:")) ?? message.split("\n")[0]}`);
  process.exit(1);
});
