/**
 * What a resource's construction costs the program in stack traces.
 *
 * The Node.js SDK gives every promise it makes a stack trace, read at once (`new Error().stack`),
 * in case it has to report the promise leaked: about thirty per token, each formatted through the
 * source-map support the language host installs for TypeScript. Measured on a program of 2,000
 * tokens, that formatting was 7.6 s of the program's 17 s of CPU in `pulumi preview`.
 *
 * So the SDK's constructor runs with V8 capturing no frames. The source position the engine
 * stores is unaffected: the SDK lifts the limit itself to find it. A user chasing a leak with
 * PULUMI_DEBUG_PROMISE_LEAKS keeps full stacks, and an error thrown during construction gets its
 * stack back, captured where it leaves our constructor.
 */

/** Lowers the stack trace limit; the function returned puts it back. */
export function captureNoFrames(): () => void {
  const limit = Error.stackTraceLimit;
  if (process.env["PULUMI_DEBUG_PROMISE_LEAKS"] !== undefined) return () => undefined;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}

/** An error thrown while no frames were captured, given the stack of the place it is rethrown from. */
export function withStackFrom(err: unknown, rethrownBy: Function): unknown {
  if (err instanceof Error) Error.captureStackTrace(err, rethrownBy);
  return err;
}
