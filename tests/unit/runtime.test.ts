describe("the test runtime", () => {
  it("is Node 22 or later even where the system node is older (npm scripts use node_modules/.bin/node)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).toBeGreaterThanOrEqual(22);
  });
});
