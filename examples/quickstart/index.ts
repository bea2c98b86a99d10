/**
 * The quickstart: one LogScale permission token of each kind, and a view token on two views.
 * `npm start` runs it against the embedded emulator (or your LogScale when LOGSCALE_URL is
 * set); with a Pulumi CLI of your own, `pulumi up` in the repository root runs it too.
 */
import * as pulumi from "@pulumi/pulumi";
import * as logscale from "pulumi-logscale-tokens";

export = async () => {
  const config = new pulumi.Config("quickstart");
  // Views and repositories by name, as you know them; the provider resolves them at preview.
  const viewNames = config.getObject<string[]>("viewNames") ?? ["dashboards", "security-audit"];
  const firstView = viewNames[0];
  if (firstView === undefined) throw new Error("quickstart:viewNames must list at least one view");

  // Lives 90 days from its creation; from 14 days before that, `pulumi up` replaces it with a new
  // one (new secret first, what uses it updated, then the old one deleted).
  const ci = new logscale.OrgPermissionsToken("ci", {
    name: "ci-user-admin",
    permissions: ["ManageUsers", "ViewUsage"],
    expiresIn: "90d",
    rotateBeforeExpiry: "14d",
  });

  const reader = new logscale.ViewPermissionsToken("reader", {
    name: "dashboards-reader",
    viewNames,
    permissions: ["ReadAccess", "ChangeDashboards"],
  });

  const auditor = new logscale.ViewPermissionsToken("auditor", {
    name: "audit-reader",
    viewNames: [firstView],
    permissions: ["ReadAccess"],
  });

  const outputs: Record<string, pulumi.Output<unknown>> = {
    ciTokenId: ci.tokenId,
    ciToken: ci.token,
    ciExpireAt: ci.expireAt,
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
