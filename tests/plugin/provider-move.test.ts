/**
 * When a provider instance's new settings count as a move: the questions providerMove asks and
 * the answers it draws from them. Where settings really lead (the emulators' cluster ids) is
 * covered end to end in tests/e2e/plugin-yaml.test.ts.
 */
import type { StackConnectionConfig } from "../../provider/core/config";
import { ConnectionConfigError } from "../../provider/core/config";
import type { Destination } from "../../provider/core/homes";
import { unknownValue } from "../../provider/core/unknown";
import { providerMove } from "../../provider/serving/plugin/provider-move";

const homes: Record<string, Destination> = {
  "https://a.example": { home: { clusterId: "A", organizationId: "org" }, source: "url", url: "https://a.example/" },
  "https://a-again.example": { home: { clusterId: "A", organizationId: "org" }, source: "url", url: "https://a-again.example/" },
  "https://b.example": { home: { clusterId: "B", organizationId: "org" }, source: "url", url: "https://b.example/" },
};

function locator(): { asked: string[]; locate: (config: StackConnectionConfig) => Promise<Destination | null> } {
  const asked: string[] = [];
  return {
    asked,
    locate: async (config) => {
      if (config.url === undefined) throw new ConnectionConfigError("No LogScale URL configured.");
      asked.push(config.url);
      return homes[config.url] ?? null;
    },
  };
}

const settings = (url: unknown, extra: Record<string, unknown> = {}) => ({ url, token: "api-token", ...extra });

describe("providerMove", () => {
  it("is a move when the settings lead to another cluster, naming the settings that changed", async () => {
    const { asked, locate } = locator();
    const move = await providerMove(settings("https://a.example"), settings("https://b.example"), locate);
    expect(move).toEqual({ from: homes["https://a.example"], to: homes["https://b.example"], because: ["url"] });
    expect(asked).toEqual(["https://a.example", "https://b.example"]);
  });

  it("is no move for another address of the same cluster", async () => {
    expect(await providerMove(settings("https://a.example"), settings("https://a-again.example"), locator().locate)).toBeUndefined();
  });

  it("asks nothing when no setting that leads anywhere changed", async () => {
    const { asked, locate } = locator();
    expect(await providerMove(settings("https://a.example"), settings("https://a.example", { timeoutSeconds: "30", version: "0.1.0" }), locate)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it("decides nothing while a new setting is unknown (a preview); up knows it", async () => {
    const { asked, locate } = locator();
    expect(await providerMove(settings("https://a.example"), settings(unknownValue), locate)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it("is no move when the old settings lead nowhere to compare (incomplete) or LogScale will not say", async () => {
    expect(await providerMove({ token: "api-token" }, settings("https://b.example"), locator().locate)).toBeUndefined();
    expect(await providerMove(settings("https://a.example"), settings("https://unknown.example"), locator().locate)).toBeUndefined();
  });

  it("fails with the question's error when LogScale cannot be reached", async () => {
    const unreachable = async () => {
      throw new Error("Could not find where stack config 'logscale:url' (https://a.example/) leads: connection refused");
    };
    await expect(providerMove(settings("https://a.example"), settings("https://b.example"), unreachable)).rejects.toThrow("connection refused");
  });
});
