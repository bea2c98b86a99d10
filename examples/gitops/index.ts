/**
 * The stack's tokens are the entries of tokens/<stack>.yaml: `pulumi up --stack staging` makes
 * LogScale hold exactly the tokens of tokens/staging.yaml. Each token's id and secret are stack
 * outputs named after its key: <key>TokenId, and <key>Token (a Pulumi secret).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as logscale from "pulumi-logscale-tokens";
import { loadTokenFile, type TokenDefinition, TokenFileError } from "./tokens";

const stack = pulumi.getStack();
const file = path.join("tokens", `${stack}.yaml`);

function definitions(): TokenDefinition[] {
  try {
    return loadTokenFile(path.join(__dirname, file), file);
  } catch (error) {
    // RunError: the CLI prints the message alone, not a stack trace from inside this program.
    if (error instanceof TokenFileError) throw new pulumi.RunError(error.message);
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      throw new pulumi.RunError(`${file} does not exist: each stack's tokens are in tokens/<stack>.yaml (this stack is '${stack}')`);
    }
    throw error;
  }
}

/** The fields every kind shares, as the resource's inputs. */
function commonArgs(token: TokenDefinition) {
  return {
    name: token.name,
    ipFilterName: token.ipFilter,
    expireAt: token.expireAt,
    expiresIn: token.expiresIn,
    rotateBeforeExpiry: token.rotateBeforeExpiry,
    rotationTrigger: token.rotationTrigger,
    adoptTokenId: token.adoptTokenId,
    rotateOnAdopt: token.rotateOnAdopt,
  };
}

function declare(token: TokenDefinition): logscale.PermissionsTokenResource {
  switch (token.kind) {
    case "organization":
      return new logscale.OrgPermissionsToken(token.key, { ...commonArgs(token), permissions: token.permissions });
    case "system":
      return new logscale.SystemPermissionsToken(token.key, { ...commonArgs(token), permissions: token.permissions });
    case "view":
      return new logscale.ViewPermissionsToken(token.key, { ...commonArgs(token), permissions: token.permissions, viewNames: token.views });
  }
}

const outputs: Record<string, pulumi.Output<string>> = {};
for (const token of definitions()) {
  const resource = declare(token);
  outputs[`${token.key}TokenId`] = resource.tokenId;
  outputs[`${token.key}Token`] = resource.token;
}

export = outputs;
