/**
 * The outputs a token resource keeps in state, and the inputs they imply. read() and
 * delete() receive only these, so they carry everything needed later: the secret (which
 * LogScale never shows again), create-only inputs, and a per-resource connection.
 */
import type { TokenHome, TokenMetadata } from "../client/client";
import type { ConnectionInput } from "./config";
import type { AssetPermissionAssignmentInput, Duration, TokenInputs } from "./inputs";

/**
 * What the program asked for, of the values LogScale may decide otherwise (an IP filter or an
 * expiry its token security policy enforces, views the API token cannot see), and of the
 * create-time inputs LogScale does not keep (a lifetime, a rotation trigger). The plan compares
 * the program with these, never with what LogScale reports, so a value LogScale assigns is an
 * output and not a reason to replace the token. Only the fields the program set are present.
 */
export interface RequestedValues {
  readonly expireAt?: number;
  /** As the program wrote it ("90d"); milliseconds in states from before durations were text. */
  readonly expiresIn?: Duration;
  /** Kept so that refresh returns it among the inputs: otherwise `preview --refresh --diff` shows it added. */
  readonly rotateBeforeExpiry?: Duration;
  readonly rotationTrigger?: string;
  readonly ipFilterId?: string;
  readonly viewIds?: readonly string[];
}

const requestedFields = ["expireAt", "expiresIn", "rotateBeforeExpiry", "rotationTrigger", "ipFilterId", "viewIds"] as const;

export interface TokenOutputs {
  readonly tokenId: string;
  /** `<tokenId>~<secret>`; registered as a secret output by the resource classes. */
  readonly token: string;
  readonly name: string;
  /** As the server reports them (view tokens: with LogScale's additions), sorted. */
  readonly permissions: readonly string[];
  readonly expireAt?: number;
  readonly createdAt: number;
  readonly ipFilterId?: string;
  readonly viewIds?: readonly string[];
  readonly views?: readonly { readonly id: string; readonly name: string }[];
  readonly assetPermissionAssignments?: readonly AssetPermissionAssignmentInput[];
  readonly connection?: ConnectionInput;
  /** Absent in states written by versions before it existed: then the reported values stand in. */
  readonly requested?: RequestedValues;
  /**
   * The cluster and organization the token lives in. Absent in states written before it existed
   * (a refresh records it) and when LogScale would not say.
   */
  readonly home?: TokenHome;
}

/** What the server does not report, carried from the inputs or the previous state. */
export interface CarriedOutputs {
  readonly token: string;
  readonly assetPermissionAssignments?: readonly AssetPermissionAssignmentInput[] | undefined;
  readonly connection?: ConnectionInput | undefined;
  readonly requested: RequestedValues;
  readonly home?: TokenHome | null | undefined;
}

export function outputsFrom(metadata: TokenMetadata, carried: CarriedOutputs): TokenOutputs {
  const isView = metadata.type === "view";
  const views = [...metadata.views].sort((a, b) => a.id.localeCompare(b.id));
  return {
    tokenId: metadata.id,
    token: carried.token,
    name: metadata.name,
    permissions: [...metadata.permissions].sort(),
    ...(metadata.expireAt === null ? {} : { expireAt: metadata.expireAt }),
    createdAt: metadata.createdAt,
    ...(metadata.ipFilter ? { ipFilterId: metadata.ipFilter.id } : {}),
    ...(isView ? { viewIds: views.map((view) => view.id), views: views.map((view) => ({ id: view.id, name: view.name })) } : {}),
    ...(carried.assetPermissionAssignments ? { assetPermissionAssignments: carried.assetPermissionAssignments } : {}),
    ...(carried.connection ? { connection: carried.connection } : {}),
    requested: carried.requested,
    ...(carried.home ? { home: { clusterId: carried.home.clusterId, organizationId: carried.home.organizationId } } : {}),
  };
}

/** The program's values of the fields LogScale may decide otherwise, from checked inputs. */
export function requestedFrom(inputs: Pick<TokenInputs, (typeof requestedFields)[number]>): RequestedValues {
  const requested: { -readonly [field in keyof RequestedValues]: RequestedValues[field] } = {};
  for (const field of requestedFields) {
    if (inputs[field] !== undefined) Object.assign(requested, { [field]: inputs[field] });
  }
  return requested;
}

/**
 * What the program asked for when this state was written. A state from before `requested`
 * existed only has what LogScale reported, which is the best guess there is.
 */
export function requestedIn(outputs: TokenOutputs): RequestedValues {
  return outputs.requested ?? requestedFrom(outputs);
}

/**
 * The inputs that would produce these outputs: what refresh stores as the new inputs. Values
 * LogScale decided stay what the program asked for, so they never look like a change.
 */
export function inputsFrom(outputs: TokenOutputs): TokenInputs {
  return {
    name: outputs.name,
    permissions: outputs.permissions,
    ...requestedIn(outputs),
    ...(outputs.assetPermissionAssignments === undefined ? {} : { assetPermissionAssignments: outputs.assetPermissionAssignments }),
    ...(outputs.connection === undefined ? {} : { connection: outputs.connection }),
  };
}
