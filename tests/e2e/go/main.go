// Command logscale-go-e2e is a Go program using the generated Go SDK (sdk/go) as a user's
// program would, run through Pulumi's Go Automation API with an inline program (so it needs no
// Go language host) and the installed logscale plugin. tests/e2e/sdk-go.test.ts builds it, runs
// it against an emulator, and asserts what it writes to -report: one JSON object with each
// step's summary and outputs, and the stack's state as `pulumi stack export` gives it (secrets
// encrypted). Its own output is the engine's, as a user would see it.
//
// The steps: create a token of each kind; add a permission to each (an update in place); import
// a token made by hand (-import-id) with the `import` resource option; a preview that must show
// no change; the state export; destroy. The CLI, Pulumi home, backend and passphrase come from
// the environment (PATH, PULUMI_HOME, PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE); the API
// token from LOGSCALE_E2E_API_TOKEN, which goes into the stack config as a secret.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/pulumi-logscale-tokens/pulumi-logscale-tokens/sdk/go/logscale"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// What the program declares at each step.
type phase struct {
	orgPermissions    logscale.OrganizationPermissionArray
	viewPermissions   logscale.ViewPermissionArray
	systemPermissions logscale.SystemPermissionArray
	importID          string
}

func program(p *phase) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		org, err := logscale.NewOrgPermissionsToken(ctx, "ci", &logscale.OrgPermissionsTokenArgs{
			Name:        pulumi.String("go-ci"),
			Permissions: p.orgPermissions,
		})
		if err != nil {
			return err
		}
		view, err := logscale.NewViewPermissionsToken(ctx, "reader", &logscale.ViewPermissionsTokenArgs{
			Name:        pulumi.String("go-reader"),
			ViewNames:   pulumi.StringArray{pulumi.String("dashboards")},
			Permissions: p.viewPermissions,
		})
		if err != nil {
			return err
		}
		system, err := logscale.NewSystemPermissionsToken(ctx, "health", &logscale.SystemPermissionsTokenArgs{
			Name:        pulumi.String("go-health"),
			Permissions: p.systemPermissions,
		})
		if err != nil {
			return err
		}
		ctx.Export("orgId", org.ID())
		ctx.Export("orgToken", org.Token)
		ctx.Export("viewId", view.ID())
		ctx.Export("viewToken", view.Token)
		ctx.Export("systemId", system.ID())
		ctx.Export("systemToken", system.Token)
		if p.importID == "" {
			return nil
		}
		adopted, err := logscale.NewOrgPermissionsToken(ctx, "adopted", &logscale.OrgPermissionsTokenArgs{
			Name:        pulumi.String("go-by-hand"),
			Permissions: logscale.OrganizationPermissionArray{logscale.OrganizationPermissionViewUsage},
		}, pulumi.Import(pulumi.ID(p.importID)))
		if err != nil {
			return err
		}
		ctx.Export("adoptedId", adopted.ID())
		ctx.Export("adoptedToken", adopted.Token)
		return nil
	}
}

type output struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

type step struct {
	Changes map[string]int    `json:"changes"`
	Outputs map[string]output `json:"outputs,omitempty"`
}

type report struct {
	Create     step            `json:"create"`
	Update     step            `json:"update"`
	Import     step            `json:"import"`
	Preview    step            `json:"preview"`
	Destroy    step            `json:"destroy"`
	Deployment json.RawMessage `json:"deployment"`
}

func upStep(ctx context.Context, stack auto.Stack) (step, error) {
	result, err := stack.Up(ctx, optup.ProgressStreams(os.Stdout))
	if err != nil {
		return step{}, err
	}
	outputs := map[string]output{}
	for name, value := range result.Outputs {
		outputs[name] = output{Value: value.Value, Secret: value.Secret}
	}
	return step{Changes: changes(result.Summary.ResourceChanges), Outputs: outputs}, nil
}

func changes(counts *map[string]int) map[string]int {
	if counts == nil {
		return map[string]int{}
	}
	return *counts
}

func run() error {
	workDir := flag.String("work-dir", "", "an empty folder for the project's settings")
	url := flag.String("url", "", "LogScale's base URL")
	importID := flag.String("import-id", "", "the id of an organization token named go-by-hand with the permission ViewUsage")
	reportPath := flag.String("report", "", "the file to write the JSON report to")
	flag.Parse()
	apiToken := os.Getenv("LOGSCALE_E2E_API_TOKEN")
	if *workDir == "" || *url == "" || *importID == "" || *reportPath == "" || apiToken == "" {
		return errors.New("usage: LOGSCALE_E2E_API_TOKEN=… logscale-go-e2e -work-dir <dir> -url <LogScale URL> -import-id <token id> -report <file>")
	}
	ctx := context.Background()

	current := &phase{
		orgPermissions:    logscale.OrganizationPermissionArray{logscale.OrganizationPermissionManageUsers},
		viewPermissions:   logscale.ViewPermissionArray{logscale.ViewPermissionReadAccess},
		systemPermissions: logscale.SystemPermissionArray{logscale.SystemPermissionReadHealthCheck},
	}
	project := workspace.Project{Name: "logscale-go", Runtime: workspace.NewProjectRuntimeInfo("go", nil)}
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "logscale-go", program(current), auto.WorkDir(*workDir), auto.Project(project))
	if err != nil {
		return fmt.Errorf("creating the stack: %w", err)
	}
	if err := stack.SetAllConfig(ctx, auto.ConfigMap{
		"logscale:url":   {Value: *url},
		"logscale:token": {Value: apiToken, Secret: true},
	}); err != nil {
		return fmt.Errorf("setting the stack config: %w", err)
	}

	var out report
	if out.Create, err = upStep(ctx, stack); err != nil {
		return fmt.Errorf("up (create): %w", err)
	}

	current.orgPermissions = append(current.orgPermissions, logscale.OrganizationPermissionViewUsage)
	current.viewPermissions = append(current.viewPermissions, logscale.ViewPermissionQueryDashboard)
	current.systemPermissions = append(current.systemPermissions, logscale.SystemPermissionViewOrganizations)
	if out.Update, err = upStep(ctx, stack); err != nil {
		return fmt.Errorf("up (update): %w", err)
	}

	current.importID = *importID
	if out.Import, err = upStep(ctx, stack); err != nil {
		return fmt.Errorf("up (import): %w", err)
	}

	preview, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stdout))
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	out.Preview.Changes = map[string]int{}
	for op, count := range preview.ChangeSummary {
		out.Preview.Changes[string(op)] = count
	}

	// The state as stored: stack.Export would decrypt its secrets (it runs --show-secrets).
	ws := stack.Workspace()
	exported, stderr, _, err := ws.PulumiCommand().Run(ctx, ws.WorkDir(), nil, nil, nil, nil, "stack", "export", "--stack", "dev")
	if err != nil {
		return fmt.Errorf("pulumi stack export: %w: %s", err, stderr)
	}
	var state apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(exported), &state); err != nil {
		return fmt.Errorf("pulumi stack export: %w", err)
	}
	out.Deployment = state.Deployment

	destroyed, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout))
	if err != nil {
		return fmt.Errorf("destroy: %w", err)
	}
	out.Destroy.Changes = changes(destroyed.Summary.ResourceChanges)
	if err := stack.Workspace().RemoveStack(ctx, "dev"); err != nil {
		return fmt.Errorf("removing the stack: %w", err)
	}

	text, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return os.WriteFile(*reportPath, text, 0o600)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "logscale-go-e2e: error: %v\n", err)
		os.Exit(1)
	}
}
