// Command sdk-gen writes the logscale package's SDKs (sdk/go, sdk/python, sdk/dotnet,
// sdk/nodejs) from provider/serving/plugin/schema.json with Pulumi's own code generators, as
// `pulumi package gen-sdk` would. gen-sdk runs each language's generator inside that
// language's host, whose Go modules the module proxy these machines use does not serve; the
// generators themselves are packages of github.com/pulumi/pulumi/pkg/v3, called here directly.
//
// Usage: sdk-gen -schema schema.json -version 0.1.0 -out sdk
//
// Each language's folder under -out is emptied and rewritten, so files the schema no longer
// generates do not linger.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	dotnetgen "github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// Written into every generated file's "do not edit" header.
const tool = "pulumi-logscale-tokens sdk-gen"

// The schema refers to no other package, so nothing needs loading: any request is a bug in
// the schema, reported as such instead of starting a plugin host.
type noPackages struct{}

func (noPackages) err(name string) error {
	return fmt.Errorf("the schema refers to package %q; it must be self-contained", name)
}

func (l noPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.err(name)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.err(d.Name)
}

func (l noPackages) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.err(name)
}

func (l noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, l.err(d.Name)
}

// The .NET generator downloads the NuGet package's icon: the schema's logoUrl, or without one
// Pulumi's logo from GitHub. Generation must not depend on the network (nor on what another
// repository serves), and the package has no logo of its own, so no request leaves this process:
// an icon is answered with a plain one drawn here, anything else is refused.
type offlineIcons struct{ icon []byte }

func (t offlineIcons) RoundTrip(req *http.Request) (*http.Response, error) {
	if path.Ext(req.URL.Path) != ".png" {
		return nil, fmt.Errorf("sdk-gen makes no network requests; a generator asked for %s", req.URL)
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Header:        http.Header{"Content-Type": {"image/png"}},
		Body:          io.NopCloser(bytes.NewReader(t.icon)),
		ContentLength: int64(len(t.icon)),
		Request:       req,
	}, nil
}

// A 64x64 square in one colour: the encoder is deterministic, so the generated file is too.
func plainIcon() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	fill := color.RGBA{R: 0x5b, G: 0x2c, B: 0x8f, A: 0xff}
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, fill)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type generator func(pkg *schema.Package) (map[string][]byte, error)

var generators = map[string]generator{
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	},
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		files, err := pythongen.GeneratePackage(tool, pkg, nil, noPackages{})
		if err != nil {
			return nil, err
		}
		// pyproject.toml names README.md beside itself, but the generator writes it inside the
		// package folder only; native providers' builds copy it up, so the package builds.
		for name, text := range files {
			if path.Base(name) == "README.md" && path.Dir(path.Dir(name)) == "." && files["README.md"] == nil {
				files["README.md"] = text
			}
		}
		return files, nil
	},
	"dotnet": func(pkg *schema.Package) (map[string][]byte, error) {
		return dotnetgen.GeneratePackage(tool, pkg, nil, nil)
	},
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejsgen.GeneratePackage(tool, pkg, nil, nil, false, noPackages{})
	},
}

// bind reads and validates the schema afresh for each language: the generators record their
// language's settings in the package they are given.
func bind(schemaPath, version string) (*schema.Package, error) {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	// The plugin stamps its version into the schema it serves; the SDKs carry the same one.
	spec.Version = version
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s is not a valid package schema: %s", schemaPath, diags.Error())
	}
	return pkg, nil
}

func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run() error {
	schemaPath := flag.String("schema", "", "the package schema (schema.json)")
	version := flag.String("version", "", "the package version the SDKs carry (the plugin's)")
	out := flag.String("out", "", "the folder to write <language>/ folders into")
	flag.Parse()
	if *schemaPath == "" || *version == "" || *out == "" || flag.NArg() != 0 {
		return errors.New("usage: sdk-gen -schema <schema.json> -version <x.y.z> -out <dir>")
	}
	if _, err := semver.Parse(*version); err != nil {
		return fmt.Errorf("-version %q is not a semantic version: %w", *version, err)
	}
	icon, err := plainIcon()
	if err != nil {
		return err
	}
	http.DefaultTransport = offlineIcons{icon}
	for _, language := range []string{"go", "python", "dotnet", "nodejs"} {
		pkg, err := bind(*schemaPath, *version)
		if err != nil {
			return err
		}
		files, err := generators[language](pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", language, err)
		}
		if err := write(filepath.Join(*out, language), files); err != nil {
			return fmt.Errorf("writing the %s SDK: %w", language, err)
		}
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "sdk-gen: error: %v\n", err)
		os.Exit(1)
	}
}
