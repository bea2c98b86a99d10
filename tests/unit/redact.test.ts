import { displayUrl, Redactor } from "../../provider/client/redact";

describe("Redactor", () => {
  it("removes known secrets wherever they appear", () => {
    const redactor = new Redactor(["s3cr3t-api-token"]);
    expect(redactor.redact("token s3cr3t-api-token and again s3cr3t-api-token")).toBe("token [redacted] and again [redacted]");
  });

  it("removes token strings it was never told about", () => {
    const redactor = new Redactor();
    const text = "no token with id 'AbCdEfGh0123456789AbCdEfGh012345~Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=='";
    expect(redactor.redact(text)).toBe("no token with id '[redacted]'");
  });

  it("removes bearer credentials and URL user info", () => {
    const redactor = new Redactor();
    expect(redactor.redact("Authorization: Bearer abc.def")).toBe("Authorization: Bearer [redacted]");
    expect(redactor.redact("GET https://user:pw@host/x")).toBe("GET https://[redacted]@host/x");
  });

  it("removes a longer secret whole when it contains a shorter one", () => {
    const redactor = new Redactor(["abcdef", "abcdef-longer"]);
    expect(redactor.redact("x abcdef-longer y")).toBe("x [redacted] y");
  });

  it("ignores secrets too short to redact meaningfully", () => {
    const redactor = new Redactor(["ab", undefined]);
    expect(redactor.redact("abc")).toBe("abc");
  });
});

describe("displayUrl", () => {
  it("drops user info, query and fragment", () => {
    expect(displayUrl("https://u:p@logscale.example.com:8443/prefix/graphql?token=x#y")).toBe(
      "https://logscale.example.com:8443/prefix/graphql",
    );
  });
  it("does not echo an unparseable URL", () => {
    expect(displayUrl("not a url with secret")).toBe("(invalid URL)");
  });
});
