import { LogScaleClient } from "../../provider/client";

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

  it("never puts the API token in its validation message", () => {
    try {
      new LogScaleClient({ url: apiToken, apiToken });
      throw new Error("expected the constructor to throw");
    } catch (error) {
      expect(String(error)).not.toContain(apiToken);
    }
  });
});
