/**
 * The engine's arguments to a resource plugin, as pkg/resource/plugin builds them
 * (`[--logtostderr] [-v=N] [--tracing <endpoint>] <engine address>`), read as Go's flag package
 * reads them.
 */
import { EngineArgsError, parseEngineArgs } from "../../provider/serving/plugin/engine-args";

const address = "127.0.0.1:41234";

describe("parseEngineArgs", () => {
  it.each([
    [[address], { engineAddress: address }],
    [["--tracing", "http://127.0.0.1:9411/api/v1/spans", address], { engineAddress: address, tracing: "http://127.0.0.1:9411/api/v1/spans" }],
    [["--logtostderr", "-v=9", "--tracing", "file:///tmp/trace", address], { engineAddress: address, logToStderr: true, verbosity: 9, tracing: "file:///tmp/trace" }],
    [["-tracing=http://collector:9411", "--v", "3", address], { engineAddress: address, tracing: "http://collector:9411", verbosity: 3 }],
    [["--logflow", "--logtostderr=false", address], { engineAddress: address, logFlow: true, logToStderr: false }],
    [["--", "-odd-address"], { engineAddress: "-odd-address" }],
    [[], {}],
    [["-v=1"], { verbosity: 1 }],
  ])("%j", (argv, expected) => {
    expect(parseEngineArgs(argv)).toEqual({ verbosity: 0, logToStderr: false, logFlow: false, ...expected });
  });

  it("takes the address only after the flags: a tracing endpoint is never mistaken for it", () => {
    expect(parseEngineArgs(["--tracing", "collector:9411", address]).engineAddress).toBe(address);
  });

  it.each([
    [["--unknown", address], "flag provided but not defined: --unknown"],
    [["-v=high", address], 'invalid value "high" for flag -v'],
    [["--logtostderr=maybe", address], 'invalid boolean value "maybe" for flag -logtostderr'],
    [["--tracing"], "flag needs an argument: -tracing"],
    [[address, "another"], "expected at most one argument, the engine's address; got 2"],
    [["---v=1", address], "flag provided but not defined: ---v"],
  ])("refuses %j", (argv, message) => {
    expect(() => parseEngineArgs(argv)).toThrow(EngineArgsError);
    expect(() => parseEngineArgs(argv)).toThrow(message);
  });
});
