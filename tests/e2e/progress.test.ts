/**
 * While LogScale hiccups, `pulumi up` and `refresh` say so: each retry and each recovery is an
 * info message naming the token, what LogScale answered, the attempt and the wait; none carries
 * a secret. Read from the engine's own events, through the real CLI. (A dynamic provider cannot
 * attach a message to its resource: the engine files what the plugin prints under the stack.)
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { adminToken, injectFault, type RunningEmulator, startTestEmulator, storedTokens } from "../support/emulator";
import { configureLogScale, createProgram, type Program } from "../support/pulumi";

jest.setTimeout(300_000);

let emulator: RunningEmulator;
let program: Program;
let stack: Stack;

/** The info messages of a run, and everything it printed. */
async function infoDuring(run: (onEvent: (event: EngineEvent) => void, onOutput: (text: string) => void) => Promise<unknown>) {
  const infos: string[] = [];
  let printed = "";
  await run(
    (event) => {
      const diagnostic = event.diagnosticEvent;
      if (diagnostic?.severity === "info") infos.push(diagnostic.message.trim());
    },
    (text) => {
      printed += text;
    },
  );
  return { infos, printed };
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  program = createProgram();
  stack = await program.stack("progress", async () => {
    const ci = new program.logscale.OrgPermissionsToken("ci", { name: "progress-ci", permissions: ["ViewUsage"] });
    return { ciId: ci.tokenId, ciToken: ci.token };
  });
  await configureLogScale(stack, emulator.url, adminToken);
});
afterAll(async () => {
  await stack.destroy().catch(() => undefined);
  program.remove();
  await emulator.stop();
});

it("a create answered HTTP 500 recovers, and up says how", async () => {
  await injectFault(emulator.url, { count: 1, match: { operationName: "CreateOrganizationPermissionsTokenV2" }, status: 500 });
  const { infos } = await infoDuring((onEvent, onOutput) => stack.up({ onEvent, onOutput }));
  expect(infos).toContain(
    "Creating organization permissions token 'progress-ci': the create got HTTP 500 and LogScale made no token; the token is created once more (round 2 of 4).",
  );
  expect((await storedTokens(emulator.url)).map((token) => token.name)).toEqual(["progress-ci"]);
});

it("a refresh answered HTTP 503 retries, saying so, and no message carries a secret", async () => {
  const outputs = await stack.outputs();
  const id = String(outputs["ciId"]?.value);
  await injectFault(emulator.url, { count: 1, match: { operationName: "Token" }, status: 503 });
  const { infos, printed } = await infoDuring((onEvent, onOutput) => stack.refresh({ onEvent, onOutput }));
  const retry = infos.find((message) => message.startsWith(`Read organization permissions token 'progress-ci' (${id}): the Token request got HTTP 503 (attempt 1 of 4); trying again in `));
  expect(retry).toBeDefined();
  expect(retry).toMatch(/trying again in \d+ ms\.$/);
  const secret = String(outputs["ciToken"]?.value);
  expect(secret).toMatch(/~/);
  expect(printed.includes(secret) || printed.includes(secret.split("~")[1]!) || printed.includes(adminToken)).toBe(false);
});
