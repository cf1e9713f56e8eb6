package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

const (
	// adminTokenEnv names the bearer token of POST /admin/reload.
	adminTokenEnv = "HCPCS_ADMIN_TOKEN"
	// minAdminToken is the shortest token taken: a guessable one would
	// let anyone make every replica reread its data.
	minAdminToken = 16
	// adminRealm is the realm of the WWW-Authenticate challenge.
	adminRealm = "hcpcs-admin"
)

// The triggers of a reload, as counted and logged.
const (
	triggerSignal = "signal"
	triggerHTTP   = "http"
)

// adminToken reads HCPCS_ADMIN_TOKEN; the whitespace around it (the
// newline of a secret file) is not part of it.
func adminToken(getenv func(string) string) (string, error) {
	tok := strings.TrimSpace(getenv(adminTokenEnv))
	if tok != "" && len(tok) < minAdminToken {
		return "", fmt.Errorf("%s must be at least %d characters (e.g. openssl rand -hex 32), or empty to disable /admin/reload", adminTokenEnv, minAdminToken)
	}
	return tok, nil
}

// reloader rereads the sources and swaps them in whole, one reload at a
// time whatever asked for it (SIGHUP or POST /admin/reload): a second one
// waits for the first, then reads the sources again, so that it sees what
// changed while the first was reading. On any error the store keeps
// serving what it had.
type reloader struct {
	load  func() (*terminology.Snapshot, error)
	store *terminology.Store
	log   *slog.Logger
	sem   chan struct{} // holds one token while a reload runs
	total *prometheus.CounterVec
}

func newReloader(load func() (*terminology.Snapshot, error), store *terminology.Store, log *slog.Logger, reg prometheus.Registerer) *reloader {
	total := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hcpcs_reloads_total",
		Help: "Reloads of the data by trigger (signal: SIGHUP, http: POST /admin/reload) and result (success, failure)."},
		[]string{"trigger", "result"})
	reg.MustRegister(total)
	for _, trigger := range []string{triggerSignal, triggerHTTP} {
		for _, result := range []string{"success", "failure"} {
			total.WithLabelValues(trigger, result)
		}
	}
	return &reloader{load: load, store: store, log: log, sem: make(chan struct{}, 1), total: total}
}

// reload runs one reload for trigger, after any running one; it returns
// the snapshot swapped in. ctx bounds only the wait for a running reload.
func (r *reloader) reload(ctx context.Context, trigger string) (*terminology.Snapshot, time.Duration, error) {
	select {
	case r.sem <- struct{}{}:
	default:
		r.log.Info("reload waiting for the one running", "trigger", trigger)
		select {
		case r.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
	}
	defer func() { <-r.sem }()
	start := time.Now()
	next, err := r.load()
	took := time.Since(start)
	if err != nil {
		r.total.WithLabelValues(trigger, "failure").Inc()
		r.log.Error("reload failed; still serving the previous data", "trigger", trigger, "err", err, "took", took.String())
		return nil, took, err
	}
	// Fingerprint before the swap, so that no request waits for it; new data
	// means new cache keys.
	fp := next.Fingerprint()
	r.store.Swap(next)
	took = time.Since(start)
	r.total.WithLabelValues(trigger, "success").Inc()
	logValueSets(r.log, next)
	r.log.Info("reloaded", "trigger", trigger, "versions", next.Versions(), "fingerprint", fp, "took", took.String())
	return next, took, nil
}

// onSIGHUP reloads on every SIGHUP until ctx ends; signals that arrive
// during a reload make one more.
func (r *reloader) onSIGHUP(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				_, _, _ = r.reload(ctx, triggerSignal) // logged and counted
			}
		}
	}()
}

// handler is POST /admin/reload: 401 without the bearer token, else the
// reload's outcome. 200 says what is served now; 500 says why the reload
// failed and what is still served (the previous data). The token is
// compared in constant time, through digests of equal length.
func (r *reloader) handler(token string) gin.HandlerFunc {
	want := sha256.Sum256([]byte(token))
	return func(c *gin.Context) {
		got, ok := bearer(c.GetHeader("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			challenge := `Bearer realm="` + adminRealm + `"`
			if ok {
				challenge += `, error="invalid_token"`
			}
			c.Header("WWW-Authenticate", challenge)
			c.JSON(http.StatusUnauthorized, gin.H{"status": "unauthorized", "error": "POST /admin/reload needs Authorization: Bearer <" + adminTokenEnv + ">"})
			return
		}
		next, took, err := r.reload(c.Request.Context(), triggerHTTP)
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"status": "failed", "error": err.Error(), "serving": snapshotJSON(r.store.Snapshot())})
			return
		}
		body := snapshotJSON(next)
		body["status"] = "reloaded"
		body["took"] = took.String()
		c.JSON(http.StatusOK, body)
	}
}

// bearer reads the token of an Authorization: Bearer header (RFC 6750
// §2.1; the scheme is case-insensitive).
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// snapshotJSON is what /readyz and /admin/reload say of the data served.
func snapshotJSON(s *terminology.Snapshot) gin.H {
	return gin.H{"versions": s.Versions(), "latest": s.Latest().Version,
		"loadedAt": s.LoadedAt().Format(time.RFC3339), "fingerprint": s.Fingerprint(),
		"valueSets": len(s.ValueSets().All()), "conceptMaps": len(s.ConceptMaps()), "skipped": skippedJSON(s.Skipped())}
}
