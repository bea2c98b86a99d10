/**
 * Reads of tokens by id through one client, answered from LogScale's token listing
 * (`tokens(typeFilter:)`, paged) once enough reads have come to make the listing cheaper than
 * reading each token by id. A refresh of N tokens then costs about N / page-size requests
 * instead of N, which is what a drift check against a LogScale far away waits for.
 *
 * The rules that keep it safe:
 * - A token the listing holds is answered from it; a token it does not hold is read by id
 *   (`getToken`, with its retries and its confirmation rule), never reported gone on the
 *   listing's word alone.
 * - A listing that fails or comes back cut short (fewer results than its page should hold) stops
 *   listing for a while: what it did bring stands, every other read goes by id.
 * - A listing answers reads for a short while only, and none after this client has sent a change
 *   (create, update, rotate, delete): those read what the change made.
 * - Listing starts only after `probeAfterReads` reads, so a few reads cost what they always did,
 *   and lists every page only once as many reads have come as the listing has pages, so reads
 *   of a few tokens among many others never page through all of them (the first page, one
 *   request, tells how many there are).
 */
import type { TokenMetadata, TokenPage, TokenType } from "./graphql/responses";

export type ListedTokenType = Exclude<TokenType, "personal">;

/** What the reader needs of the client. */
export interface TokenSource {
  getToken(id: string): Promise<TokenMetadata | undefined>;
  listTokens(options: { readonly types: readonly ListedTokenType[]; readonly sortBy: "Name"; readonly skip: number; readonly limit: number }): Promise<TokenPage>;
  /** How many changes (mutations) the client has sent so far. */
  readonly changesSent: number;
}

export interface TokenReaderSettings {
  /** Tokens per listing page. LogScale documents 50 as the default and no maximum. */
  readonly pageSize: number;
  /** Reads by id before the first listing page is asked for. */
  readonly probeAfterReads: number;
  /** How long, from when it was asked for, a listing answers reads. */
  readonly listingMaxAgeMs: number;
  /** Listing pages in flight at once. */
  readonly pageConcurrency: number;
}

export const defaultTokenReaderSettings: TokenReaderSettings = {
  pageSize: 100,
  // A refresh or an import of up to three tokens costs one request per token, as before.
  probeAfterReads: 4,
  // A refresh reads every token within seconds; a listing older than this belongs to another run.
  listingMaxAgeMs: 30_000,
  // Half the agent's sockets: the reads by id that go on meanwhile keep theirs.
  pageConcurrency: 8,
};

/** Why a listing stopped short of what it should have held; the reads it missed go by id. */
export type ListingShortfall = { readonly type: ListedTokenType; readonly reason: "failed" | "cut-short"; readonly error?: unknown };

interface Listing {
  readonly takenAt: number;
  readonly changeMark: number;
  readonly tokens: ReadonlyMap<string, TokenMetadata>;
  /** Every page arrived whole. */
  readonly complete: boolean;
}

/** What the reader knows of one token type. */
interface TypeReads {
  /** Reads since the last listing expired (or since the start). */
  reads: number;
  /** Pages of the whole listing, once one page has said how many tokens there are. */
  pages?: number;
  listing?: Listing;
  inFlight?: Promise<void>;
  /** When a listing last failed or came back cut short: no listing until it has aged out. */
  refusedAt?: number;
}

export class TokenReader {
  private readonly byType = new Map<ListedTokenType, TypeReads>();

  constructor(
    private readonly source: TokenSource,
    private readonly now: () => number,
    private readonly settings: TokenReaderSettings = defaultTokenReaderSettings,
    private readonly onShortfall: (shortfall: ListingShortfall) => void = () => undefined,
  ) {}

  /** The token with this id, or undefined when LogScale has none (confirmed by id). */
  async read(id: string, type: ListedTokenType): Promise<TokenMetadata | undefined> {
    const reads = this.typeReads(type);
    reads.reads += 1;
    if (reads.inFlight === undefined && this.worthListing(reads)) {
      reads.inFlight = this.list(reads, type).finally(() => {
        reads.inFlight = undefined;
      });
    }
    if (reads.inFlight !== undefined) await reads.inFlight;
    const listed = this.usable(reads.listing)?.tokens.get(id);
    return listed ?? this.source.getToken(id);
  }

  private typeReads(type: ListedTokenType): TypeReads {
    let reads = this.byType.get(type);
    if (reads === undefined) {
      reads = { reads: 0 };
      this.byType.set(type, reads);
    }
    const now = this.now();
    if (reads.listing !== undefined && this.usable(reads.listing) === undefined) {
      // A new run of reads: count them afresh, and list again only if they are as many.
      reads.listing = undefined;
      reads.reads = 0;
    }
    if (reads.refusedAt !== undefined && now - reads.refusedAt >= this.settings.listingMaxAgeMs) reads.refusedAt = undefined;
    return reads;
  }

  private usable(listing: Listing | undefined): Listing | undefined {
    if (listing === undefined) return undefined;
    if (this.now() - listing.takenAt >= this.settings.listingMaxAgeMs) return undefined;
    if (this.source.changesSent !== listing.changeMark) return undefined;
    return listing;
  }

  private worthListing(reads: TypeReads): boolean {
    if (reads.refusedAt !== undefined) return false;
    if (this.usable(reads.listing)?.complete) return false;
    if (reads.reads < this.settings.probeAfterReads) return false;
    // Until one page has said how many tokens there are, one page is worth asking for: it costs
    // one request and answers every read when the organization is small. After that, a whole
    // listing only once as many reads have come as it has pages.
    if (reads.pages === undefined) return reads.listing === undefined;
    return reads.reads >= reads.pages;
  }

  /** Never rejects: what a listing cannot answer is read by id. */
  private async list(reads: TypeReads, type: ListedTokenType): Promise<void> {
    const { pageSize } = this.settings;
    const takenAt = this.now();
    const changeMark = this.source.changesSent;
    const tokens = new Map<string, TokenMetadata>();
    let complete = false;
    const fetchPage = async (skip: number): Promise<TokenPage> => {
      const page = await this.source.listTokens({ types: [type], sortBy: "Name", skip, limit: pageSize });
      for (const token of page.results) tokens.set(token.id, token);
      if (page.results.length < Math.min(pageSize, page.totalResults - skip)) throw new CutShort();
      return page;
    };
    try {
      const first = await fetchPage(0);
      const pages = Math.max(1, Math.ceil(first.totalResults / pageSize));
      reads.pages = pages;
      if (pages === 1) complete = true;
      else if (reads.reads >= pages) {
        await this.fetchAll(
          Array.from({ length: pages - 1 }, (_, index) => (index + 1) * pageSize),
          fetchPage,
        );
        complete = true;
      }
    } catch (error) {
      reads.refusedAt = this.now();
      this.onShortfall(error instanceof CutShort ? { type, reason: "cut-short" } : { type, reason: "failed", error });
    }
    reads.listing = { takenAt, changeMark, tokens, complete };
  }

  /** The pages at these offsets, `pageConcurrency` at a time; the first failure stops the rest. */
  private async fetchAll(skips: readonly number[], fetchPage: (skip: number) => Promise<TokenPage>): Promise<void> {
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < skips.length) {
        const skip = skips[next++]!;
        try {
          await fetchPage(skip);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.pageConcurrency, skips.length) }, worker));
    if (failure !== undefined) throw failure.error;
  }
}

class CutShort extends Error {}
