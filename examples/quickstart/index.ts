/**
 * The quickstart: one LogScale permission token of each kind, and a view token on two views.
 * `npm start` runs it against the embedded emulator (or your LogScale when LOGSCALE_URL is
 * set); with a Pulumi CLI of your own, `pulumi up` in the repository root runs it too.
 */
import * as pulumi from "@pulumi/pulumi";
import * as logscale from "pulumi-logscale-tokens";

export = async () => {
  const config = new pulumi.Config("quickstart");
  // View and repository ids (not names). npm start looks them up by name for you.
  const viewIds = config.requireObject<string[]>("viewIds");
  const firstView = viewIds[0];
  if (firstView === undefined) throw new Error("quickstart:viewIds must list at least one view id");

  const ci = new logscale.OrgPermissionsToken("ci", {
    name: "ci-user-admin",
    permissions: ["ManageUsers", "ViewUsage"],
    expireAt: "2030-06-30T00:00:00Z",
  });

  const reader = new logscale.ViewPermissionsToken("reader", {
    name: "dashboards-reader",
    viewIds,
    permissions: ["ReadAccess", "ChangeDashboards"],
  });

  const auditor = new logscale.ViewPermissionsToken("auditor", {
    name: "audit-reader",
    viewIds: [firstView],
    permissions: ["ReadAccess"],
  });

  const outputs: Record<string, pulumi.Output<unknown>> = {
    ciTokenId: ci.tokenId,
    ciToken: ci.token,
    readerTokenId: reader.tokenId,
    readerToken: reader.token,
    readerViews: reader.views,
    auditorToken: auditor.token,
  };

  // System tokens exist only on self-hosted LogScale.
  if (config.getBoolean("systemToken") ?? true) {
    const ops = new logscale.SystemPermissionsToken("ops", {
      name: "ops",
      permissions: ["ViewOrganizations", "ManageOrganizations"],
    });
    outputs["opsTokenId"] = ops.tokenId;
    outputs["opsToken"] = ops.token;
  }
  return outputs;
};
