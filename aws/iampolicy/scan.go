package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// sdkServicePrefix is the import path prefix of the AWS SDK's service clients.
const sdkServicePrefix = "github.com/aws/aws-sdk-go-v2/service/"

// iamPrefixes maps an SDK service package (its directory name) to its IAM action prefix
// (Service Authorization Reference, docs.aws.amazon.com/service-authorization/latest/reference/).
// A service missing here fails the scan, so a new client cannot slip past the policy.
var iamPrefixes = map[string]string{
	"applicationautoscaling": "application-autoscaling",
	"autoscaling":            "autoscaling",
	"cloudformation":         "cloudformation",
	"cloudwatch":             "cloudwatch",
	"cloudwatchlogs":         "logs",
	"ec2":                    "ec2",
	"ecr":                    "ecr",
	"ecs":                    "ecs",
	"elasticloadbalancingv2": "elasticloadbalancing",
	"iam":                    "iam",
	"lambda":                 "lambda",
	"ssm":                    "ssm",
	"sts":                    "sts",
}

// Call is one SDK operation the code calls.
type Call struct {
	Service string // SDK service package, e.g. "cloudformation"
	Op      string // operation, e.g. "CreateStack"
	Pos     string // file:line of one use, relative to the scanned root
}

// Action is the IAM action the call needs, e.g. "cloudformation:CreateStack".
func (c Call) Action() (string, error) {
	p, ok := iamPrefixes[c.Service]
	if !ok {
		return "", fmt.Errorf("iampolicy: %s calls %s.%s, but service %q has no IAM prefix: add it to iamPrefixes and the policy", c.Pos, c.Service, c.Op, c.Service)
	}
	return p + ":" + c.Op, nil
}

// listedPackage is what `go list -json` says about a package.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
	Imports    []string
	Deps       []string
	Standard   bool
	Module     *struct{ Main bool }
}

// Scan type-checks the main module's packages matched by patterns (run from dir, e.g.
// "./...") and returns every AWS SDK operation their non-test code calls or refers to,
// sorted and unique by service and operation. A method counts when its second
// parameter is *<service>.<Method>Input — true of the SDK clients and of any interface
// the code declares over them — and a reference to <service>.<Op>Input counts too,
// which catches paginators and waiters. Packages whose import path has a segment in
// skip (e.g. the in-process fakes) are not scanned.
func Scan(dir string, skip []string, patterns ...string) ([]Call, error) {
	args := append([]string{"list", "-e", "-deps", "-export", "-json=ImportPath,Dir,GoFiles,Export,Imports,Deps,Standard,Module"}, patterns...)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("iampolicy: go list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	exports := map[string]string{}
	var targets []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("iampolicy: go list output: %v", err)
		}
		exports[p.ImportPath] = p.Export
		if p.Module != nil && p.Module.Main && usesSDK(p) && !skipped(p.ImportPath, skip) {
			targets = append(targets, p)
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	found := map[[2]string]Call{}
	for _, p := range targets {
		if err := scanPackage(fset, imp, dir, p, found); err != nil {
			return nil, err
		}
	}
	calls := make([]Call, 0, len(found))
	for _, c := range found {
		calls = append(calls, c)
	}
	sort.Slice(calls, func(i, j int) bool {
		if calls[i].Service != calls[j].Service {
			return calls[i].Service < calls[j].Service
		}
		return calls[i].Op < calls[j].Op
	})
	return calls, nil
}

// goTool is the go command of the running toolchain, or "go" from PATH.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// usesSDK reports whether p depends on any SDK service client.
func usesSDK(p listedPackage) bool {
	for _, d := range p.Deps {
		if strings.HasPrefix(d, sdkServicePrefix) {
			return true
		}
	}
	return false
}

// skipped reports whether an import path segment is in skip.
func skipped(path string, skip []string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		for _, s := range skip {
			if seg == s {
				return true
			}
		}
	}
	return false
}

// scanPackage type-checks p's non-test files and adds the SDK operations they use.
func scanPackage(fset *token.FileSet, imp types.Importer, root string, p listedPackage, found map[[2]string]Call) error {
	var files []*ast.File
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("iampolicy: %v", err)
		}
		files = append(files, f)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{Importer: imp, Error: func(error) {}}
	if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
		return fmt.Errorf("iampolicy: type-check %s: %v", p.ImportPath, err)
	}
	add := func(svc, op string, pos token.Pos) {
		k := [2]string{svc, op}
		if _, ok := found[k]; ok {
			return
		}
		position := fset.Position(pos)
		if rel, err := filepath.Rel(root, position.Filename); err == nil {
			position.Filename = rel
		}
		found[k] = Call{Service: svc, Op: op, Pos: fmt.Sprintf("%s:%d", filepath.ToSlash(position.Filename), position.Line)}
	}
	for sel, s := range info.Selections {
		if fn, ok := s.Obj().(*types.Func); ok {
			if svc, ok := operationOf(fn); ok {
				add(svc, fn.Name(), sel.Sel.Pos())
			}
		}
	}
	for id, obj := range info.Uses {
		tn, ok := obj.(*types.TypeName)
		if !ok || tn.Pkg() == nil {
			continue
		}
		svc, ok := servicePackage(tn.Pkg().Path())
		if op, isInput := strings.CutSuffix(tn.Name(), "Input"); ok && isInput && op != "" {
			add(svc, op, id.Pos())
		}
	}
	return nil
}

// servicePackage returns the service of an SDK service client package path (not of its
// types or internal subpackages).
func servicePackage(path string) (string, bool) {
	svc, ok := strings.CutPrefix(path, sdkServicePrefix)
	if !ok || svc == "" || strings.Contains(svc, "/") {
		return "", false
	}
	return svc, true
}

// operationOf reports whether fn is an SDK operation: a method whose second parameter is
// a pointer to <service>.<fn.Name()>Input.
func operationOf(fn *types.Func) (string, bool) {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || sig.Params().Len() < 2 {
		return "", false
	}
	ptr, ok := sig.Params().At(1).Type().(*types.Pointer)
	if !ok {
		return "", false
	}
	named, ok := ptr.Elem().(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Name() != fn.Name()+"Input" {
		return "", false
	}
	return servicePackage(named.Obj().Pkg().Path())
}
