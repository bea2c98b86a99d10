import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { startEmulator } from "../../emulator";
import { within } from "../support/wait";
import { adminToken, authenticates, createOrgToken, ok, startTestEmulator, storedTokens } from "../support/emulator";

const projectRoot = path.resolve(__dirname, "../..");

describe("emulator state file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logscale-emulator-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("survives a restart: tokens still listed and still authenticating; the file holds no secret", async () => {
    const statePath = path.join(dir, "state.json");
    const first = await startTestEmulator({ statePath });
    const created = await createOrgToken(first.url, { name: "persistent", organizationPermissions: ["ViewUsage"] });
    await ok(first.url, adminToken, `mutation { createIPFilter(input: { name: "saved", ipFilter: "192.0.2.0/24" }) { id } }`);
    await first.stop();

    const text = readFileSync(statePath, "utf8");
    const secret = created.token.split("~")[1] ?? "";
    expect(secret).toHaveLength(44);
    expect(text).not.toContain(secret);
    expect(text).toContain(created.tokenMetadata.id);
    expect(text).toMatch(/"secretHash": "[0-9a-f]{64}"/);
    expect(readdirSync(dir)).toEqual(["state.json"]); // no temporary file left behind

    const second = await startTestEmulator({ statePath });
    try {
      expect((await storedTokens(second.url)).map((t) => [t.id, t.name])).toEqual([[created.tokenMetadata.id, "persistent"]]);
      expect(await authenticates(second.url, created.token)).toBe(true);
      const filters = await ok<{ ipFilters: Array<{ name: string }> }>(second.url, adminToken, "{ ipFilters { name } }");
      expect(filters.ipFilters.map((f) => f.name)).toEqual(["office", "saved"]);
    } finally {
      await second.stop();
    }
  });

  it("refuses to start from a corrupt state file", async () => {
    const statePath = path.join(dir, "state.json");
    writeFileSync(statePath, JSON.stringify({ version: 1, tokens: [{ id: "x", secret: "plain" }] }));
    await expect(startEmulator({ statePath })).rejects.toThrow(/not a valid emulator state/);
    writeFileSync(statePath, "{ nope");
    await expect(startEmulator({ statePath })).rejects.toThrow(/not readable JSON/);
  });

  it("takes a custom seed and rejects an invalid one", async () => {
    const emulator = await startTestEmulator({
      seed: {
        organization: { id: "org-1", name: "acme" },
        views: [{ id: "view-1", name: "web" }],
        tokenSecurityPolicies: { viewPermissionTokensAllowPermissionUpdates: false },
      },
    });
    try {
      const data = await ok(emulator.url, adminToken, `{ organization { name configs { tokens { viewPermissionTokensAllowPermissionUpdates } } }
        searchDomains { __typename id name } ipFilters { id } }`);
      expect(data).toEqual({
        organization: { name: "acme", configs: { tokens: { viewPermissionTokensAllowPermissionUpdates: false } } },
        searchDomains: [{ __typename: "View", id: "view-1", name: "web" }],
        ipFilters: [],
      });
    } finally {
      await emulator.stop();
    }
    await expect(
      startEmulator({ seed: { organization: { id: "o", name: "o" }, views: [{ id: "a", name: "same" }, { id: "b", name: "same" }] } }),
    ).rejects.toThrow(/duplicate search domain name 'same'/);
    await expect(startEmulator({ seed: { organization: { id: "o" } } })).rejects.toThrow();
  });

  it("stop() does not wait for open connections: one idle keep-alive, one in the middle of a request", async () => {
    const emulator = await startTestEmulator();
    await ok(emulator.url, adminToken, "{ organization { id } }"); // leaves an idle keep-alive socket
    // Headers begun but never finished: the server would wait for the rest until its headers
    // timeout (a minute), far beyond the deadline below, unless stop() closes the connection.
    const { port } = new URL(emulator.url);
    const halfSent = net.connect(Number(port), "127.0.0.1");
    const halfSentClosed = new Promise<void>((resolve) => halfSent.once("close", () => resolve()));
    halfSent.on("error", () => undefined);
    await new Promise<void>((resolve) => halfSent.once("connect", () => resolve()));
    await new Promise<void>((resolve) => halfSent.write("POST /graphql HTTP/1.1\r\nHost: emulator\r\n", () => resolve()));

    try {
      await within("stop() to resolve", emulator.stop());
      await within("the server to close the half-sent request's connection", halfSentClosed);
    } finally {
      // Had stop() hung, this socket would keep the test process alive after the failure.
      halfSent.destroy();
    }
    await expect(fetch(`${emulator.url}/graphql`, { method: "POST" })).rejects.toThrow();
  });
});

describe("which cluster an emulator is (meta { clusterId })", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logscale-emulator-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const clusterOf = async (url: string) => (await ok<{ meta: { clusterId: string } }>(url, adminToken, "{ meta { clusterId } }")).meta.clusterId;

  it("two emulators are two clusters; a reset keeps the cluster", async () => {
    const [one, two] = await Promise.all([startTestEmulator(), startTestEmulator()]);
    try {
      const [first, second] = [await clusterOf(one.url), await clusterOf(two.url)];
      expect(first).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(second).not.toBe(first);
      await fetch(`${one.url}/_emulator/reset`, { method: "POST", headers: { Authorization: `Bearer ${adminToken}` } });
      expect(await clusterOf(one.url)).toBe(first);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it("restarted on its state file it is the same cluster, a state file from before cluster ids included; a given id wins", async () => {
    const statePath = path.join(dir, "state.json");
    const original = await startTestEmulator({ statePath });
    const clusterId = await clusterOf(original.url);
    await original.stop();
    expect(JSON.parse(readFileSync(statePath, "utf8"))).toMatchObject({ clusterId });
    const restarted = await startTestEmulator({ statePath });
    expect(await clusterOf(restarted.url)).toBe(clusterId);
    await restarted.stop();

    const { clusterId: _dropped, ...older } = JSON.parse(readFileSync(statePath, "utf8")) as Record<string, unknown>;
    writeFileSync(statePath, JSON.stringify(older));
    const upgraded = await startTestEmulator({ statePath });
    const assigned = await clusterOf(upgraded.url);
    expect(assigned).not.toBe(clusterId);
    await upgraded.stop();
    const again = await startTestEmulator({ statePath });
    expect(await clusterOf(again.url)).toBe(assigned);
    await again.stop();

    const named = await startEmulator({ adminToken: adminToken, statePath, clusterId: "named-cluster" });
    try {
      expect(named.clusterId).toBe("named-cluster");
      expect(await clusterOf(named.url)).toBe("named-cluster");
    } finally {
      await named.stop();
    }
  });
});

describe("logscale-emulator CLI", () => {
  const tsNode = require.resolve("ts-node/dist/bin.js");

  function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
    // An admin token inherited from the developer's shell must not leak into these tests.
    const { LOGSCALE_EMULATOR_ADMIN_TOKEN: _inherited, ...inherited } = process.env;
    // process.execPath is the Node 22 running jest; the ts-node shebang could pick another node.
    return spawn(process.execPath, [tsNode, "--transpile-only", "emulator/cli.ts", ...args], {
      cwd: projectRoot,
      env: { ...inherited, ...env },
    });
  }

  function collect(stream: NodeJS.ReadableStream): () => string {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (text += chunk));
    return () => text;
  }

  const exited = (child: ChildProcessWithoutNullStreams) =>
    new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
    const lines = createInterface({ input: child.stdout });
    try {
      return await new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`CLI exited with ${code} before listening`)));
      });
    } finally {
      lines.close();
    }
  }

  it("prints one line with the URL, serves the API with the given admin token, and exits 0 on SIGTERM", async () => {
    const child = spawnCli(["--port", "0", "--admin-token", "cli-admin-token", "--cluster-id", "cli-cluster"]);
    const stderr = collect(child.stderr);
    const exit = exited(child);
    try {
      const line = await firstLine(child);
      const match = /^LogScale emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      expect(match).not.toBeNull();
      const url = match?.[1] ?? "";
      expect(await ok(url, "cli-admin-token", "{ organization { name } meta { clusterId } }")).toEqual({
        organization: { name: "emulator" },
        meta: { clusterId: "cli-cluster" },
      });
      expect(await authenticates(url, "emulator-admin-token")).toBe(false);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exit).toBe(0);
    expect(stderr()).not.toContain("cli-admin-token");
  });

  it("takes the admin token from LOGSCALE_EMULATOR_ADMIN_TOKEN and never prints it", async () => {
    const child = spawnCli(["--port", "0"], { LOGSCALE_EMULATOR_ADMIN_TOKEN: "env-admin-token" });
    const stderr = collect(child.stderr);
    const exit = exited(child);
    try {
      const line = await firstLine(child);
      const url = line.replace("LogScale emulator listening on ", "");
      expect(await authenticates(url, "env-admin-token")).toBe(true);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exit).toBe(0);
    expect(stderr()).not.toContain("env-admin-token");
  });

  it("exits 2 with usage on stderr for a bad flag", async () => {
    const child = spawnCli(["--port", "0", "--no-such-flag"]);
    const stderr = collect(child.stderr);
    const stdout = collect(child.stdout);
    expect(await exited(child)).toBe(2);
    expect(stderr()).toContain("Usage: logscale-emulator");
    expect(stderr()).toContain("--no-such-flag");
    expect(stdout()).toBe("");
  });
});
