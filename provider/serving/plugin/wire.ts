/**
 * Property values between the engine's wire form (a protobuf Struct whose values may be
 * wrapped as secrets, or be the unknown sentinel during preview) and the plain objects the
 * core takes. Secrets are unwrapped on the way in, remembering which top-level properties held
 * one, and wrapped again on the way out, so a secret never comes back as plain text.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
// The module, not the SDK's index: the packed plugin bundles only what it uses (scripts/plugin-pack.ts).
import { isRpcSecret, specialSecretSig, specialSigKey, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";

export type PropertyMap = Record<string, unknown>;

/** Plain values, and the names of the top-level properties that held a secret anywhere inside. */
export interface Unwrapped {
  readonly values: PropertyMap;
  readonly secrets: ReadonlySet<string>;
}

/** A Struct from a request (absent means no properties, as in a Read for import). */
export function fromWire(struct: Struct | undefined): Unwrapped {
  const raw = struct?.toJavaScript() ?? {};
  const values: PropertyMap = {};
  const secrets = new Set<string>();
  for (const [key, value] of Object.entries(raw)) {
    const found = { secret: false };
    values[key] = unwrapSecrets(value, found);
    if (found.secret) secrets.add(key);
  }
  return { values, secrets };
}

function unwrapSecrets(value: unknown, found: { secret: boolean }): unknown {
  if (isRpcSecret(value)) {
    found.secret = true;
    return unwrapSecrets(unwrapRpcSecret(value), found);
  }
  if (Array.isArray(value)) return value.map((item) => unwrapSecrets(item, found));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item, found)]));
  }
  return value;
}

/** Wire form: `secret` properties wrapped; undefined values left out (a Struct cannot hold them). */
export function toWire(values: object, secret: ReadonlySet<string>): Struct {
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const plain = withoutUndefined(value);
    wire[key] = secret.has(key) ? { [specialSigKey]: specialSecretSig, value: plain } : plain;
  }
  return Struct.fromJavaScript(wire as Parameters<typeof Struct.fromJavaScript>[0]);
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, withoutUndefined(item)]));
  }
  return value;
}
