import { LogScaleClient } from "../../provider/client/client";

describe("LogScaleClient options", () => {
  const apiToken = "very-secret-api-token";

  it.each([
    ["logscale.example.com", "url"],
    ["ftp://logscale.example.com", "url"],
    ["https://", "url"],
  ])("refuses the URL %p, naming the option", (url, option) => {
    expect(() => new LogScaleClient({ url, apiToken })).toThrow(
      `Invalid LogScale client option '${option}': must be an absolute http:// or https:// URL`,
    );
  });

  it("refuses an empty API token without echoing any value", () => {
    expect(() => new LogScaleClient({ url: "https://x", apiToken: "  " })).toThrow("Invalid LogScale client option 'apiToken': must not be empty");
  });

  it.each([
    [{ organization: "Acme 組織" }, "Invalid LogScale client option 'organization': must contain only printable ASCII characters (it is sent as the ProxyOrganization header)"],
    [{ apiToken: "tökén-secret" }, "Invalid LogScale client option 'apiToken': must contain only visible ASCII characters (it is sent in the Authorization header)"],
  ])("refuses a header value Node would refuse, naming the option (%#)", (options, message) => {
    let thrown: unknown;
    try {
      new LogScaleClient({ url: "https://x", apiToken, ...options });
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).toContain(message);
    expect(String(thrown)).not.toContain("secret");
  });

  it("never puts the API token in its validation message", () => {
    // A user who swaps url and token must not see the token echoed back in a log or CI output.
    let thrown: unknown;
    try {
      new LogScaleClient({ url: apiToken, apiToken });
    } catch (error) {
      thrown = error;
    }
    // Outside the try: a constructor that accepted the value must fail this test, not be swallowed.
    expect(String(thrown)).toContain("Invalid LogScale client option 'url'");
    expect(String(thrown)).not.toContain(apiToken);
    expect(JSON.stringify(thrown, Object.getOwnPropertyNames(thrown))).not.toContain(apiToken);
  });
});
