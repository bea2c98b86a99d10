/**
 * Reads that arrive together (a refresh) are answered from LogScale's token listing, in pages,
 * instead of one request per token; a few reads cost what they always did; reads of a few
 * tokens among many others never page through the others; whatever a listing lacks, because it
 * was cut short, failed part-way or lied, is read by id, so no live token leaves the state.
 * Request counts come from the emulator's log; the pages are small (10) so counts stay small.
 */
import type { TokenOutputs } from "../../provider/core/outputs";
import { TokenProvider } from "../../provider/core/token-provider";
import type { ListingShortfall } from "../../provider/client/client";
import { adminToken, control, createOrgToken, emulatorPerFile, graphql, injectFault, requestLog, storedTokens, tokenId } from "../support/emulator";
import { stackConfig } from "./support";

const emulator = emulatorPerFile({ reset: true });
const pageSize = 10;
const shortfalls: ListingShortfall[] = [];
let clock = Date.parse("2026-12-01T00:00:00Z");

beforeEach(() => {
  shortfalls.length = 0;
});

async function provider(): Promise<TokenProvider> {
  const made = new TokenProvider("organization", {
    client: { retry: { attempts: 2 }, sleep: async () => undefined, reads: { pageSize }, onListingShortfall: (shortfall) => shortfalls.push(shortfall) },
    now: () => clock,
    warn: () => undefined,
    info: () => undefined,
  });
  await made.configure(stackConfig({ "logscale:url": emulator.url, "logscale:token": adminToken }));
  return made;
}

/** Organization tokens made behind Pulumi's back; their ids, in the order given. */
async function makeTokens(prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    ids.push(tokenId((await createOrgToken(emulator.url, { name: `${prefix}-${String(index).padStart(5, "0")}`, organizationPermissions: ["ViewUsage"] })).token));
  }
  return ids;
}

/** What a refresh hands read(): the token as the state holds it. */
const stateOf = (id: string): TokenOutputs => ({ name: "as-in-state", tokenId: id, token: `${id}~secret-kept-in-state`, permissions: ["ViewUsage"], createdAt: 0 });

/** Every read at once, as the engine's parallel reads arrive. */
async function readAll(reader: TokenProvider, ids: readonly string[]) {
  await control(emulator.url, "DELETE", "requests");
  const results = await Promise.all(ids.map((id) => reader.read(id, stateOf(id))));
  const counts: Record<string, number> = {};
  for (const entry of await requestLog(emulator.url)) counts[entry.operationName ?? "?"] = (counts[entry.operationName ?? "?"] ?? 0) + 1;
  return { results, counts };
}

async function organizationTokensInListing(): Promise<number> {
  return (await storedTokens(emulator.url)).filter((token) => token.kind === "organization").length;
}

it("reads that arrive together are answered from the listing: about N / page-size requests, the same answers as reads by id", async () => {
  const ids = await makeTokens("managed", 95);
  const pages = Math.ceil((await organizationTokensInListing()) / pageSize);
  const { results, counts } = await readAll(await provider(), ids);

  // Home once, the first reads by id, then the listing's pages: no read of its own per token.
  expect(counts).toEqual({ Home: 1, Token: 3, Tokens: pages });
  const byId = await Promise.all(ids.slice(0, 5).map(async (id) => (await (await provider()).read(id, stateOf(id))).props));
  expect(results.slice(0, 5).map((result) => result.props)).toEqual(byId);
  const stored = new Map((await storedTokens(emulator.url)).map((token) => [token.id, token]));
  for (const [index, result] of results.entries()) {
    expect(result.id).toBe(ids[index]);
    expect(result.props?.name).toBe(stored.get(ids[index]!)?.name);
    // The secret is never in a listing: it stays what the state held.
    expect(result.props?.token).toBe(`${ids[index]}~secret-kept-in-state`);
  }
  expect(shortfalls).toEqual([]);
});

it("a single read costs one request, and three cost three: no listing for a few tokens", async () => {
  const ids = await makeTokens("few", 3);
  const reader = await provider();
  expect((await readAll(reader, ids.slice(0, 1))).counts).toEqual({ Home: 1, Token: 1 });
  expect((await readAll(await provider(), ids)).counts).toEqual({ Home: 1, Token: 3 });
});

it("a refresh of a few tokens among many others never pages through the others: requests do not grow with them", async () => {
  const managed = await makeTokens("a-managed", 30);
  await makeTokens("z-other", 400);
  const { results, counts } = await readAll(await provider(), managed);
  expect(results.every((result, index) => result.id === managed[index])).toBe(true);
  // One page to learn how many tokens there are (it answers the reads it holds), the rest by id.
  expect(counts["Tokens"]).toBe(1);
  expect((counts["Token"] ?? 0) + (counts["Tokens"] ?? 0)).toBeLessThanOrEqual(managed.length + 1);
});

it("a token missing from the listing is read by id, never dropped on the listing's word", async () => {
  const ids = await makeTokens("listed", 20);
  // A listing that claims there are no organization tokens at all.
  await injectFault(emulator.url, { match: { operationName: "Tokens" }, answer: { tokens: { totalResults: 0, results: [] } }, count: 5 });
  const { results, counts } = await readAll(await provider(), ids);
  expect(results.map((result) => result.id)).toEqual(ids);
  expect(counts["Token"]).toBe(ids.length);
  expect(counts["Tokens"]).toBe(1);
});

it("a listing that fails part-way: its pages that arrived answer, every other read goes by id with the usual retries", async () => {
  const ids = await makeTokens("paged", 60);
  const pages = Math.ceil((await organizationTokensInListing()) / pageSize);
  // The first page goes through; every later page fails, retries included.
  await injectFault(emulator.url, { match: { operationName: "Tokens" }, latencyMs: 0, count: 1 });
  await injectFault(emulator.url, { match: { operationName: "Tokens" }, status: 503, count: 1000 });
  const { results, counts } = await readAll(await provider(), ids);
  expect(results.map((result) => result.id)).toEqual(ids);
  expect(shortfalls.map((shortfall) => shortfall.reason)).toEqual(["failed"]);
  // Each read is answered once: from the first page, or by id.
  const firstPage = new Set((await storedTokens(emulator.url)).filter((token) => token.kind === "organization").sort((a, b) => a.name.localeCompare(b.name)).slice(0, pageSize).map((token) => token.id));
  const inFirstPage = ids.slice(3).filter((id) => firstPage.has(id)).length;
  expect(counts["Token"]).toBe(ids.length - inFirstPage);
  expect(pages).toBeGreaterThan(2);
  // Retried as any query is, then left alone: no listing is asked for again in this run.
  expect(counts["Tokens"]).toBeLessThanOrEqual(1 + 2 * Math.min(8, pages - 1));
  await control(emulator.url, "DELETE", "faults");
  const again = await readAll(await provider(), ids);
  expect(again.counts["Tokens"]).toBe(pages);
});

it("a listing cut short (fewer tokens than its page should hold) is not trusted further: the rest goes by id", async () => {
  const ids = await makeTokens("short", 40);
  await injectFault(emulator.url, { match: { operationName: "Tokens" }, latencyMs: 0, count: 1 });
  await injectFault(emulator.url, { match: { operationName: "Tokens" }, answer: { tokens: { totalResults: 999, results: [] } }, count: 1000 });
  const { results } = await readAll(await provider(), ids);
  expect(results.map((result) => result.id)).toEqual(ids);
  expect(shortfalls.map((shortfall) => shortfall.reason)).toEqual(["cut-short"]);
});

it("a listing answers only its own run of reads: not after a change through the same connection, nor once it has aged", async () => {
  const ids = await makeTokens("aged", 25);
  const reader = await provider();
  await readAll(reader, ids);

  // Deleted through the provider: the listing taken before is stale, and the read says gone.
  await reader.delete(ids[0]!, stateOf(ids[0]!));
  expect((await reader.read(ids[0]!, stateOf(ids[0]!))).id).toBe("");

  await readAll(reader, ids.slice(1));
  // Deleted behind Pulumi's back, then read in a later run (the clock moved on): gone.
  await graphql(emulator.url, "mutation ($id: String!) { deleteToken(input: { id: $id }) }", { id: ids[1]! });
  clock += 31_000;
  expect((await reader.read(ids[1]!, stateOf(ids[1]!))).id).toBe("");
});
