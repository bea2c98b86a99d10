/**
 * The provider of view tokens, as this module's whole `module.exports`. Pulumi serializes a
 * value that is a package module's exports as one `require` of its exported path, so each
 * resource's `__provider` in state is a few hundred bytes. The path is in users' states:
 * it stays exported in package.json for good.
 */
import { processConnections } from "../connections";
import { TokenProvider } from "../token-provider";

export = new TokenProvider("view", { connections: processConnections });
