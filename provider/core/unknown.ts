/**
 * During preview, inputs computed from other resources arrive as this sentinel string
 * (the value of `unknownValue` in @pulumi/pulumi's runtime/rpc; a test keeps them equal).
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

/** True when the value is unknown or holds an unknown anywhere inside. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}
