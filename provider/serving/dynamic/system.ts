/**
 * The provider of system tokens, as this module's whole `module.exports`: what each resource's
 * one-line `__provider` requires (see providerModuleSource in resources.ts). The path is in
 * users' states: it stays exported in package.json for good.
 */
import { processClientCache } from "../../core/client-cache";
import { DynamicTokenProvider } from "./dynamic-provider";

export = new DynamicTokenProvider("system", { clients: processClientCache });
