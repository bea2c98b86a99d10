/**
 * The names users configure LogScale with. Apart from config.ts, so that a program loading the
 * resource classes loads neither zod nor the provider's implementation.
 */

/** The stack config keys, as `pulumi config set` takes them. */
export const configKeys = {
  url: "logscale:url",
  token: "logscale:token",
  organization: "logscale:organization",
  insecure: "logscale:insecure",
  caCertificate: "logscale:caCertificate",
  timeoutSeconds: "logscale:timeoutSeconds",
  proxy: "logscale:proxy",
} as const;

export const environmentVariables = {
  url: ["LOGSCALE_URL", "HUMIO_ADDRESS"],
  token: ["LOGSCALE_TOKEN", "HUMIO_TOKEN"],
} as const;
