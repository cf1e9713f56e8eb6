package main

// Tests that the manifests in deploy/ (Kubernetes and docker-compose) fit
// the server they run: each container's subcommand exists, its flags and
// environment parse, every HCPCS_* or REDIS_URL variable it sets is one
// that subcommand reads, probes and scrape paths answer on the port the
// server listens on, the grace period outlasts the drain, and replicas
// are kept through rollouts and disruptions (HPA, PDB, strategy).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// ---- the manifests' model: only the fields checked ----

type k8sMeta struct {
	Name        string            `yaml:"name"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type k8sSelector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"` // a number or a port name
	} `yaml:"httpGet"`
	PeriodSeconds    int `yaml:"periodSeconds"`
	FailureThreshold int `yaml:"failureThreshold"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			SecretKeyRef *struct {
				Name     string `yaml:"name"`
				Key      string `yaml:"key"`
				Optional bool   `yaml:"optional"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	Ports []struct {
		ContainerPort int    `yaml:"containerPort"`
		Name          string `yaml:"name"`
	} `yaml:"ports"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
	} `yaml:"resources"`
}

type k8sObject struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		// Deployment
		Replicas *int        `yaml:"replicas"`
		Selector k8sSelector `yaml:"selector"` // also PodDisruptionBudget
		Strategy struct {
			Type          string `yaml:"type"`
			RollingUpdate struct {
				MaxUnavailable any `yaml:"maxUnavailable"`
				MaxSurge       any `yaml:"maxSurge"`
			} `yaml:"rollingUpdate"`
		} `yaml:"strategy"`
		Template struct {
			Metadata k8sMeta `yaml:"metadata"`
			Spec     struct {
				InitContainers                []k8sContainer `yaml:"initContainers"`
				Containers                    []k8sContainer `yaml:"containers"`
				TerminationGracePeriodSeconds *int           `yaml:"terminationGracePeriodSeconds"`
			} `yaml:"spec"`
		} `yaml:"template"`
		// PodDisruptionBudget
		MaxUnavailable any `yaml:"maxUnavailable"`
		MinAvailable   any `yaml:"minAvailable"`
		// HorizontalPodAutoscaler
		ScaleTargetRef struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
			Name       string `yaml:"name"`
		} `yaml:"scaleTargetRef"`
		MinReplicas *int `yaml:"minReplicas"`
		MaxReplicas int  `yaml:"maxReplicas"`
		Metrics     []struct {
			Type     string `yaml:"type"`
			Resource *struct {
				Name   string `yaml:"name"`
				Target struct {
					Type               string `yaml:"type"`
					AverageUtilization int    `yaml:"averageUtilization"`
				} `yaml:"target"`
			} `yaml:"resource"`
		} `yaml:"metrics"`
		// Service (its selector is a plain map, read apart)
		Ports []struct {
			Port       int `yaml:"port"`
			TargetPort any `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
	// serviceSelector is a Service's spec.selector.
	serviceSelector map[string]string
}

type composeFile struct {
	Services map[string]struct {
		Build       any               `yaml:"build"`
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
	} `yaml:"services"`
}

// ---- reading ----

// deployFiles lists every YAML file under deploy/.
func deployFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	root := filepath.Join(testenv.RepoRoot(t), "deploy")
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return err
	}))
	require.NotEmpty(t, files)
	return files
}

// readK8s decodes every document of a Kubernetes manifest.
func readK8s(t *testing.T, path string) []k8sObject {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var objs []k8sObject
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, path)
		var obj k8sObject
		require.NoError(t, node.Decode(&obj), path)
		require.NotEmpty(t, obj.Kind, "%s: a document without kind", path)
		if obj.Kind == "Service" {
			var svc struct {
				Spec struct {
					Selector map[string]string `yaml:"selector"`
				} `yaml:"spec"`
			}
			require.NoError(t, node.Decode(&svc), path)
			obj.serviceSelector = svc.Spec.Selector
		}
		objs = append(objs, obj)
	}
	return objs
}

// imageEnv is the environment the Dockerfile's final stage sets (ENV
// k=v …), which every container of the image starts with.
func imageEnv(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "Dockerfile"))
	require.NoError(t, err)
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) > 0 && fields[0] == "FROM":
			clear(env) // only the final stage's ENV reaches the image
		case len(fields) > 1 && fields[0] == "ENV":
			for _, kv := range fields[1:] {
				k, v, ok := strings.Cut(kv, "=")
				require.True(t, ok, "Dockerfile: ENV %s: only the k=v form is read here", kv)
				env[k] = v
			}
		}
	}
	require.NotEmpty(t, env, "the Dockerfile sets no ENV")
	return env
}

// ---- what the server reads ----

// subcommandParsers parse a container's flags and environment as the
// subcommand does; version and help take neither.
var subcommandParsers = map[string]func(args []string, getenv func(string) string) (*serveConfig, error){
	"serve": func(args []string, getenv func(string) string) (*serveConfig, error) {
		var stderr bytes.Buffer
		cfg, err := parseServeFlags(args, getenv, &stderr)
		if err != nil {
			return nil, errors.New(stderr.String())
		}
		return cfg, nil
	},
	"fetch": func(args []string, getenv func(string) string) (*serveConfig, error) {
		_, err := parseFetchArgs(args, getenv, io.Discard)
		return nil, err
	},
}

// envRead is every environment variable a subcommand asks for.
func envRead(sub string) map[string]bool {
	read := map[string]bool{}
	_, _ = subcommandParsers[sub](nil, func(k string) string { read[k] = true; return "" })
	return read
}

// serverVar is the pattern of the variables that must be read by the
// server: its own and REDIS_URL.
var serverVar = regexp.MustCompile(`^(HCPCS_.*|REDIS_URL)$`)

// checkContainer checks a container of the image: a real subcommand,
// flags and environment (the image's, then set) that parse, and no
// variable of the server's in set that the subcommand does not read. It
// returns serve's configuration (nil for others).
func checkContainer(args []string, image, set map[string]string) (*serveConfig, error) {
	if len(args) == 0 {
		return nil, errors.New("no subcommand (the image's CMD is serve; say it)")
	}
	sub := args[0]
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{sub, "-h"}, func(string) string { return "" }, io.Discard, &stderr); err != nil {
		return nil, fmt.Errorf("%q is not a subcommand of hcpcs-server: %s", sub, stderr.String())
	}
	parse, ok := subcommandParsers[sub]
	if !ok {
		return nil, fmt.Errorf("subcommand %q is not expected in a deployment", sub)
	}
	read := envRead(sub)
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if serverVar.MatchString(k) && !read[k] {
			return nil, fmt.Errorf("%s is set but `%s` does not read it", k, sub)
		}
	}
	env := map[string]string{}
	maps.Copy(env, image)
	maps.Copy(env, set)
	cfg, err := parse(args[1:], func(k string) string { return env[k] })
	if err != nil {
		return nil, fmt.Errorf("%v with %v: %w", args, env, err)
	}
	return cfg, nil
}

// listenPort is the port of a --listen address.
func listenPort(t *testing.T, addr string) int {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err, addr)
	n, err := strconv.Atoi(port)
	require.NoError(t, err, addr)
	return n
}

// intOrString reads a YAML int-or-string that must be an int here.
func intOrString(v any) (int, bool) {
	n, ok := v.(int)
	return n, ok
}

// ---- the tests ----

// TestDeployKubernetes checks the Kubernetes manifests against the server.
func TestDeployKubernetes(t *testing.T) {
	base := imageEnv(t)
	_, err := checkContainer([]string{"serve"}, nil, base)
	require.NoError(t, err, "Dockerfile: the ENV of the image's CMD (serve)")
	var checkedPaths []string
	n := 0
	for _, path := range deployFiles(t) {
		if strings.Contains(filepath.Base(path), "compose") {
			continue
		}
		n++
		objs := readK8s(t, path)
		byKind := map[string][]k8sObject{}
		for _, o := range objs {
			byKind[o.Kind] = append(byKind[o.Kind], o)
		}
		ours := 0
		for _, d := range byKind["Deployment"] {
			pod := d.Spec.Template.Spec
			isOurs := false
			for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
				isOurs = isOurs || strings.HasPrefix(c.Image, "hcpcs-server")
			}
			if !isOurs {
				continue
			}
			ours++
			where := path + ": Deployment " + d.Metadata.Name
			require.Subset(t, d.Spec.Template.Metadata.Labels, d.Spec.Selector.MatchLabels, "%s: the selector does not select its pods", where)

			for _, c := range pod.InitContainers {
				if strings.HasPrefix(c.Image, "hcpcs-server") {
					_, err := checkContainer(c.Args, base, podEnv(t, c))
					require.NoError(t, err, "%s initContainer %s", where, c.Name)
				}
			}
			for _, c := range pod.Containers {
				if !strings.HasPrefix(c.Image, "hcpcs-server") {
					continue
				}
				cw := where + " container " + c.Name
				require.Empty(t, c.Command, "%s: command replaces the image's entrypoint", cw)
				cfg, err := checkContainer(c.Args, base, podEnv(t, c))
				require.NoError(t, err, cw)
				require.NotNil(t, cfg, "%s: the server container must run serve", cw)

				// The port the server listens on is the container's port.
				port := listenPort(t, cfg.listen)
				ports := map[string]int{}
				for _, p := range c.Ports {
					ports[p.Name] = p.ContainerPort
				}
				require.Contains(t, slices.Collect(maps.Values(ports)), port, "%s: the server listens on %d, not a containerPort", cw, port)
				resolve := func(v any) int {
					if name, ok := v.(string); ok {
						p, ok := ports[name]
						require.True(t, ok, "%s: no container port named %q", cw, name)
						return p
					}
					p, ok := intOrString(v)
					require.True(t, ok, "%s: port %v", cw, v)
					return p
				}
				for _, pr := range []struct {
					name  string
					probe *k8sProbe
					path  string
				}{{"readiness", c.ReadinessProbe, "/readyz"}, {"liveness", c.LivenessProbe, "/healthz"}} {
					require.NotNil(t, pr.probe, "%s: no %s probe", cw, pr.name)
					require.NotNil(t, pr.probe.HTTPGet, "%s: the %s probe is not an HTTP GET", cw, pr.name)
					require.Equal(t, pr.path, pr.probe.HTTPGet.Path, "%s: %s probe", cw, pr.name)
					require.Equal(t, port, resolve(pr.probe.HTTPGet.Port), "%s: %s probe port", cw, pr.name)
					checkedPaths = append(checkedPaths, pr.probe.HTTPGet.Path)
				}
				if a := d.Spec.Template.Metadata.Annotations; a["prometheus.io/scrape"] == "true" {
					require.Equal(t, strconv.Itoa(port), a["prometheus.io/port"], "%s: scrape port", cw)
					checkedPaths = append(checkedPaths, a["prometheus.io/path"])
				}

				// The drain: the load balancer sees /readyz fail before the
				// delay ends, and the kubelet waits for delay and timeout.
				rp := c.ReadinessProbe
				notice := time.Duration(max(rp.PeriodSeconds, 1)*max(rp.FailureThreshold, 1)) * time.Second
				require.Greater(t, cfg.drainDelay, notice, "%s: the drain delay ends before the readiness probe notices", cw)
				grace := 30 * time.Second // Kubernetes' default
				if g := pod.TerminationGracePeriodSeconds; g != nil {
					grace = time.Duration(*g) * time.Second
				}
				require.Greater(t, grace, cfg.drainDelay+cfg.drainTimeout,
					"%s: terminationGracePeriodSeconds %s does not exceed drain delay %s + drain timeout %s", cw, grace, cfg.drainDelay, cfg.drainTimeout)

				// The HPA scales on CPU, which needs a CPU request.
				require.NotEmpty(t, c.Resources.Requests["cpu"], "%s: no CPU request for the HPA to measure against", cw)
			}

			// Never fewer ready replicas than desired during a rollout.
			require.Equal(t, "RollingUpdate", d.Spec.Strategy.Type, where)
			mu, ok := intOrString(d.Spec.Strategy.RollingUpdate.MaxUnavailable)
			require.True(t, ok && mu == 0, "%s: rollingUpdate.maxUnavailable must be 0, is %v", where, d.Spec.Strategy.RollingUpdate.MaxUnavailable)
			ms, ok := intOrString(d.Spec.Strategy.RollingUpdate.MaxSurge)
			require.True(t, ok && ms == 1, "%s: rollingUpdate.maxSurge must be 1, is %v", where, d.Spec.Strategy.RollingUpdate.MaxSurge)

			// One HPA on CPU owns the replicas.
			var hpas []k8sObject
			for _, h := range byKind["HorizontalPodAutoscaler"] {
				if h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == d.Metadata.Name {
					hpas = append(hpas, h)
				}
			}
			require.Len(t, hpas, 1, "%s: one HorizontalPodAutoscaler must target it", where)
			hpa := hpas[0]
			require.Equal(t, "autoscaling/v2", hpa.APIVersion, where)
			require.Equal(t, "apps/v1", hpa.Spec.ScaleTargetRef.APIVersion, where)
			require.NotNil(t, hpa.Spec.MinReplicas, "%s: HPA minReplicas", where)
			minReplicas := *hpa.Spec.MinReplicas
			require.GreaterOrEqual(t, minReplicas, 2, "%s: one replica is no availability", where)
			require.Greater(t, hpa.Spec.MaxReplicas, minReplicas, where)
			cpu := false
			for _, m := range hpa.Spec.Metrics {
				if m.Type == "Resource" && m.Resource != nil && m.Resource.Name == "cpu" {
					require.Equal(t, "Utilization", m.Resource.Target.Type, where)
					require.True(t, m.Resource.Target.AverageUtilization > 0 && m.Resource.Target.AverageUtilization <= 100, where)
					cpu = true
				}
			}
			require.True(t, cpu, "%s: the HPA does not scale on CPU", where)
			require.Nil(t, d.Spec.Replicas, "%s: replicas is set beside an HPA: every kubectl apply would reset the HPA's count", where)

			// A PDB lets disruptions take one replica at a time.
			var pdbs []k8sObject
			for _, p := range byKind["PodDisruptionBudget"] {
				if len(p.Spec.Selector.MatchLabels) > 0 && isSubset(p.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels) {
					pdbs = append(pdbs, p)
				}
			}
			require.Len(t, pdbs, 1, "%s: one PodDisruptionBudget must select its pods", where)
			pdb := pdbs[0]
			require.Equal(t, "policy/v1", pdb.APIVersion, where)
			if pdb.Spec.MaxUnavailable != nil {
				n, ok := intOrString(pdb.Spec.MaxUnavailable)
				require.True(t, ok && n >= 1 && n < minReplicas, "%s: PDB maxUnavailable %v", where, pdb.Spec.MaxUnavailable)
			} else {
				n, ok := intOrString(pdb.Spec.MinAvailable)
				require.True(t, ok && n >= 1 && n < minReplicas, "%s: PDB minAvailable %v blocks every eviction at minReplicas %d", where, pdb.Spec.MinAvailable, minReplicas)
			}

			// The Service reaches the pods on a port they have.
			for _, svc := range byKind["Service"] {
				if len(svc.serviceSelector) == 0 || !isSubset(svc.serviceSelector, d.Spec.Template.Metadata.Labels) {
					continue
				}
				for _, p := range svc.Spec.Ports {
					found := false
					for _, c := range pod.Containers {
						for _, cp := range c.Ports {
							found = found || p.TargetPort == cp.Name || p.TargetPort == cp.ContainerPort
						}
					}
					require.True(t, found, "%s: Service %s targets port %v, which its pods do not have", path, svc.Metadata.Name, p.TargetPort)
				}
			}
		}
		require.Positive(t, ours, "%s: no Deployment of hcpcs-server", path)
	}
	require.Positive(t, n, "no Kubernetes manifest in deploy/")

	// The probed and scraped paths answer on a real server.
	dir := t.TempDir()
	require.NoError(t, os.Symlink(testenv.Release(t, "2023-01_quarterly"), filepath.Join(dir, "2023-01_quarterly")))
	srv, _ := startServe(t, dir, nil)
	for _, p := range checkedPaths {
		resp, err := http.Get(srv + p)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s", p)
	}
}

// podEnv is the environment a container's manifest sets. A variable from
// a secret gets a stand-in value of the right form.
func podEnv(t *testing.T, c k8sContainer) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = e.Value
		case e.ValueFrom.SecretKeyRef != nil:
			env[e.Name] = "0123456789abcdef0123456789abcdef" // a secret: a token-like stand-in
		default:
			t.Fatalf("container %s: env %s: only value and secretKeyRef are read here", c.Name, e.Name)
		}
	}
	return env
}

// composeVar matches the ${NAME:-default} and ${NAME} forms of
// docker-compose; $1 is what they give when NAME is unset.
var composeVar = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}`)

// TestDeployCompose checks the docker-compose files: the services built
// from this repository run a real subcommand whose flags parse, and set
// only variables it reads.
func TestDeployCompose(t *testing.T) {
	base := imageEnv(t)
	n := 0
	for _, path := range deployFiles(t) {
		if !strings.Contains(filepath.Base(path), "compose") {
			continue
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var f composeFile
		require.NoError(t, yaml.Unmarshal(b, &f), path)
		for name, s := range f.Services {
			if s.Build == nil && !strings.HasPrefix(s.Image, "hcpcs-server") {
				continue
			}
			n++
			env := map[string]string{}
			for k, v := range s.Environment {
				env[k] = composeVar.ReplaceAllString(v, "$1")
			}
			args := s.Command
			if args == nil {
				args = []string{"serve"} // the image's CMD
			}
			cfg, err := checkContainer(args, base, env)
			require.NoError(t, err, "%s: service %s", path, name)
			if cfg != nil {
				require.Equal(t, 8080, listenPort(t, cfg.listen), "%s: service %s: the ports published map 8080", path, name)
			}
		}
	}
	require.Positive(t, n, "no hcpcs-server service in a compose file under deploy/")
}

// TestDeployCheckerRejects: the container check fails on what it exists
// to catch.
func TestDeployCheckerRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no subcommand", nil, nil, "no subcommand"},
		{"unknown subcommand", []string{"server"}, nil, `"server" is not a subcommand`},
		{"a subcommand not for deployments", []string{"version"}, nil, "not expected"},
		{"unknown variable", []string{"serve"}, map[string]string{"HCPCS_DRAIN_DELAYS": "10s"}, "HCPCS_DRAIN_DELAYS is set but `serve` does not read it"},
		{"fetch's variable on serve", []string{"serve"}, map[string]string{"HCPCS_DATA_DIR": "/data"}, "HCPCS_DATA_DIR is set but `serve`"},
		{"serve's variable on fetch", []string{"fetch"}, map[string]string{"REDIS_URL": "redis://r:6379/0"}, "REDIS_URL is set but `fetch`"},
		{"bad duration", []string{"serve"}, map[string]string{"HCPCS_DRAIN_TIMEOUT": "30"}, "HCPCS_DRAIN_TIMEOUT"},
		{"unknown flag", []string{"fetch", "--data", "/data"}, nil, "-data"},
		{"short admin token", []string{"serve"}, map[string]string{"HCPCS_ADMIN_TOKEN": "short"}, "HCPCS_ADMIN_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkContainer(tc.args, nil, tc.env)
			require.ErrorContains(t, err, tc.want)
		})
	}
	// And passes what is right, a variable of another program included.
	cfg, err := checkContainer([]string{"serve", "--drain-delay", "3s"}, map[string]string{"HCPCS_DRAIN_TIMEOUT": "1h"},
		map[string]string{"HCPCS_DRAIN_TIMEOUT": "7s", "TZ": "UTC"})
	require.NoError(t, err)
	require.Equal(t, 10*time.Second, cfg.drainDelay+cfg.drainTimeout)
}

func isSubset(sub, of map[string]string) bool {
	for k, v := range sub {
		if of[k] != v {
			return false
		}
	}
	return true
}
