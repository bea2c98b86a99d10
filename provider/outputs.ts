/**
 * The outputs a token resource keeps in state, and the inputs they imply. read() and
 * delete() receive only these, so they carry everything needed later: the secret (which
 * LogScale never shows again), create-only inputs, and a per-resource connection.
 */
import type { TokenMetadata } from "./client";
import type { ConnectionInput } from "./config";
import type { AssetPermissionAssignmentInput, TokenInputs } from "./inputs";

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
}

/** What the server does not report, carried from the inputs or the previous state. */
export interface CarriedOutputs {
  readonly token: string;
  readonly assetPermissionAssignments?: readonly AssetPermissionAssignmentInput[] | undefined;
  readonly connection?: ConnectionInput | undefined;
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
  };
}

/** The inputs that would produce these outputs: what refresh stores as the new inputs. */
export function inputsFrom(outputs: TokenOutputs): TokenInputs {
  return {
    name: outputs.name,
    permissions: outputs.permissions,
    ...(outputs.expireAt === undefined ? {} : { expireAt: outputs.expireAt }),
    ...(outputs.ipFilterId === undefined ? {} : { ipFilterId: outputs.ipFilterId }),
    ...(outputs.viewIds === undefined ? {} : { viewIds: outputs.viewIds }),
    ...(outputs.assetPermissionAssignments === undefined ? {} : { assetPermissionAssignments: outputs.assetPermissionAssignments }),
    ...(outputs.connection === undefined ? {} : { connection: outputs.connection }),
  };
}
