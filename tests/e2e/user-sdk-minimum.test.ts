/**
 * 13. The user's SDK is the SDK, at the floor of the peer range: a program on the oldest
 * `@pulumi/pulumi` the range admits runs through our (newer) CLI, drift and refresh included.
 */
import { minimumVersion, userSdkSuite } from "./user-sdk";

jest.setTimeout(600_000);

userSdkSuite("the peer range's floor", minimumVersion);
