/**
 * The arguments the Pulumi engine starts a resource plugin with:
 * `[--logtostderr] [-v=N] [--tracing <endpoint>] <engine address>` (the logging flags only when
 * the user asked for logs to flow to plugins, the tracing endpoint only when tracing is on).
 * Read as Go's flag package reads them for the Go SDK's provider main: `-flag` or `--flag`, a
 * value as `-flag=value` or `-flag value` (a boolean takes only `=`), flags end at the first
 * other argument or at `--`, and an unknown flag is refused. What remains is the engine's
 * address, or nothing when the engine attaches to the plugin later.
 */

export interface EngineArgs {
  /** Where the engine's gRPC service is, for warnings and progress; Attach may give it later. */
  readonly engineAddress?: string;
  /** A Zipkin-compatible tracing endpoint; the plugin sends no traces. */
  readonly tracing?: string;
  /** The engine's log verbosity (`-v=N`); the plugin has no logs of its own to scale. */
  readonly verbosity: number;
  readonly logToStderr: boolean;
  readonly logFlow: boolean;
}

export class EngineArgsError extends Error {
  override readonly name = "EngineArgsError";
}

type Flag = { readonly kind: "boolean"; readonly set: (args: Mutable, value: boolean) => void } | { readonly kind: "value"; readonly set: (args: Mutable, value: string) => void };

type Mutable = { -readonly [key in keyof EngineArgs]: EngineArgs[key] };

const flags: Readonly<Record<string, Flag>> = {
  logtostderr: { kind: "boolean", set: (args, value) => void (args.logToStderr = value) },
  logflow: { kind: "boolean", set: (args, value) => void (args.logFlow = value) },
  v: {
    kind: "value",
    set: (args, value) => {
      if (!/^\d+$/.test(value)) throw new EngineArgsError(`invalid value "${value}" for flag -v: a log level, a whole number`);
      args.verbosity = Number(value);
    },
  },
  tracing: { kind: "value", set: (args, value) => void (args.tracing = value) },
};

/** Go's flag package's booleans. */
function parseBoolean(name: string, text: string): boolean {
  if (["1", "t", "T", "true", "TRUE", "True"].includes(text)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(text)) return false;
  throw new EngineArgsError(`invalid boolean value "${text}" for flag -${name}`);
}

export function parseEngineArgs(argv: readonly string[]): EngineArgs {
  const args: Mutable = { verbosity: 0, logToStderr: false, logFlow: false };
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--") {
      index++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    const body = arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
    const equals = body.indexOf("=");
    const name = equals === -1 ? body : body.slice(0, equals);
    const flag = flags[name];
    if (name === "" || name.startsWith("-") || flag === undefined) {
      throw new EngineArgsError(`flag provided but not defined: ${arg.split("=")[0]} (the flags are ${Object.keys(flags).map((known) => `-${known}`).join(", ")})`);
    }
    if (flag.kind === "boolean") {
      flag.set(args, equals === -1 ? true : parseBoolean(name, body.slice(equals + 1)));
    } else if (equals !== -1) {
      flag.set(args, body.slice(equals + 1));
    } else {
      const value = argv[index + 1];
      if (value === undefined) throw new EngineArgsError(`flag needs an argument: -${name}`);
      flag.set(args, value);
      index++;
    }
  }
  const rest = argv.slice(index);
  if (rest.length > 1) throw new EngineArgsError(`expected at most one argument, the engine's address; got ${rest.length}: ${rest.join(" ")}`);
  if (rest[0] !== undefined && rest[0] !== "") args.engineAddress = rest[0];
  return args;
}
