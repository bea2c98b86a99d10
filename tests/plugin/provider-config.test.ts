/** A provider's settings from its inputs, and how messages name them. */
import { unknownValue } from "../../provider/core/unknown";
import { changedSettings, settingFailures, settingNamesOf, stackConfigFrom } from "../../provider/serving/plugin/provider-config";

const eu = settingNamesOf("urn:pulumi:dev::tokens::pulumi:providers:logscale::eu");

describe("settingNamesOf", () => {
  it("names a provider instance's settings as its inputs, the default provider's as stack config", () => {
    expect(eu.name("url")).toBe("input 'url' of provider 'eu'");
    for (const urn of [undefined, "urn:pulumi:dev::tokens::pulumi:providers:logscale::default", "urn:pulumi:dev::tokens::pulumi:providers:logscale::default_0_1_0"]) {
      expect(settingNamesOf(urn).name("url")).toBe("stack config 'logscale:url'");
    }
  });

  it("says both are kept in state (unlike the dynamic provider's stack config)", () => {
    expect(eu.keptInState).toBe(true);
    expect(settingNamesOf(undefined).keptInState).toBe(true);
  });
});

describe("stackConfigFrom", () => {
  it("takes text, booleans and numbers as the stack config's text; leaves out unknowns, empties and the engine's own inputs", () => {
    expect(stackConfigFrom({ url: "https://x", insecure: true, timeoutSeconds: 45, organization: "", proxy: unknownValue, version: "0.1.0" }, eu)).toEqual({
      config: { url: "https://x", insecure: "true", timeoutSeconds: "45" },
      failures: [],
    });
  });

  it("refuses what is no setting and what is of the wrong type, naming it as the user wrote it", () => {
    expect(stackConfigFrom({ urll: "https://x", insecure: ["yes"] }, eu).failures).toEqual([
      { property: "urll", reason: expect.stringMatching(/^Input 'urll' of provider 'eu' is not a setting of the logscale provider\. Its settings are input 'url' of provider 'eu', input 'token'/) },
      { property: "insecure", reason: "Input 'insecure' of provider 'eu' must be true or false" },
    ]);
    expect(stackConfigFrom({ urll: "https://x" }).failures[0]?.reason).toMatch(/^Stack config 'logscale:urll' is not a setting of the logscale provider\. Its settings are stack config 'logscale:url', /);
  });
});

describe("settingFailures", () => {
  it("judges each setting by the core's rules without needing the others (the environment may give them)", () => {
    expect(settingFailures({ insecure: "true" }, eu)).toEqual([]);
    expect(settingFailures({ timeoutSeconds: "0" }, eu)).toEqual([
      { property: "timeoutSeconds", reason: "Input 'timeoutSeconds' of provider 'eu' must be a number of seconds above 0 and at most 600, got '0'." },
    ]);
    expect(settingFailures({ proxy: "socks5://p:1080" }, eu)[0]).toMatchObject({ property: "proxy", reason: expect.stringContaining("The proxy from input 'proxy' of provider 'eu' must be") });
  });

  it("never repeats the API token", () => {
    const failures = settingFailures({ token: "has space-secret-value" }, eu);
    expect(failures).toEqual([{ property: "token", reason: expect.stringContaining("input 'token' of provider 'eu'") }]);
    expect(JSON.stringify(failures)).not.toContain("secret-value");
  });
});

describe("changedSettings", () => {
  it("names the settings that differ, not the engine's own inputs", () => {
    expect(changedSettings({ url: "https://a", token: "t", version: "1" }, { url: "https://b", token: "t", version: "2", insecure: true })).toEqual(["insecure", "url"]);
  });
});
