// proxy-from-env 2 ships no types; this is the one function we use.
declare module "proxy-from-env" {
  /** The proxy URL the *_PROXY and NO_PROXY environment variables give for `url`, or "" for none. */
  export function getProxyForUrl(url: string | URL): string;
}
