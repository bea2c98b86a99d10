/**
 * What states written by 0.1.0 before the one-line `__provider` (46c84a4) require as
 * `pulumi-logscale-tokens/internal/token-provider`: they construct `TokenProvider` from it
 * themselves, with the kind as the only argument. The path is in those states, so it stays
 * exported for good.
 */
export { DynamicTokenProvider as TokenProvider } from "./dynamic-provider";
