package cache

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Mode is the Redis topology a URL selects.
type Mode string

// The topologies of ParseURL.
const (
	Single   Mode = "single"
	Sentinel Mode = "sentinel"
	Cluster  Mode = "cluster"
)

// ParseURL reads the --redis setting into go-redis UniversalOptions and the
// topology they select (see the package documentation for the forms):
//
//	redis://[user:password@]host[:port][/db]             one server
//	rediss://…                                            the same over TLS
//	redis-sentinel://[user:password@]h1:p1,h2:p2[/db]?master=name[&sentinel_password=…]
//	rediss-sentinel://…                                   Sentinel, TLS
//	redis-cluster://[user:password@]h1:p1[,h2:p2…]        Cluster (one seed is enough)
//	rediss-cluster://…                                    Cluster, TLS
//	h1:p1,h2:p2[,…]                                       Cluster, no scheme
//	host:port                                             one server, no scheme
//
// A comma-separated host list under redis:// or rediss:// also means Cluster.
// The port defaults to 6379 (26379 for Sentinel).
func ParseURL(raw string) (*redis.UniversalOptions, Mode, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, "", fmt.Errorf("redis: empty URL")
	}
	scheme, rest, hasScheme := strings.Cut(raw, "://")
	if !hasScheme {
		scheme, rest = "redis", raw
	}
	var mode Mode
	tlsOn := false
	switch scheme {
	case "redis":
	case "rediss":
		tlsOn = true
	case "redis-sentinel":
		mode = Sentinel
	case "rediss-sentinel":
		mode, tlsOn = Sentinel, true
	case "redis-cluster":
		mode = Cluster
	case "rediss-cluster":
		mode, tlsOn = Cluster, true
	default:
		return nil, "", fmt.Errorf("redis: unknown scheme %q in %s: use redis://, rediss://, redis-sentinel:// or redis-cluster://", scheme, redact(raw))
	}
	// url.Parse rejects host lists, so the hosts are cut out by hand and a
	// placeholder host is parsed for the user, path and query.
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	u, err := url.Parse("redis://" + userinfo + "placeholder" + tail)
	if err != nil {
		return nil, "", fmt.Errorf("redis: cannot parse %s: %v", redact(raw), err)
	}
	defPort := "6379"
	if mode == Sentinel {
		defPort = "26379"
	}
	var addrs []string
	for _, h := range strings.Split(hosts, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(strings.Trim(h, "[]"), defPort)
		}
		addrs = append(addrs, h)
	}
	if len(addrs) == 0 {
		return nil, "", fmt.Errorf("redis: no host in %s", redact(raw))
	}
	if mode == "" {
		mode = Single
		if len(addrs) > 1 {
			mode = Cluster
		}
	}
	o := &redis.UniversalOptions{Addrs: addrs}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if mode == Cluster {
			return nil, "", fmt.Errorf("redis: %s: Redis Cluster has only database 0", redact(raw))
		}
		if o.DB, err = strconv.Atoi(p); err != nil || o.DB < 0 {
			return nil, "", fmt.Errorf("redis: %s: database %q is not a number", redact(raw), p)
		}
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "master", "sentinel_password", "sentinel_username":
			if mode != Sentinel {
				return nil, "", fmt.Errorf("redis: %s: %s is only for redis-sentinel://", redact(raw), k)
			}
		default:
			return nil, "", fmt.Errorf("redis: %s: unknown parameter %q", redact(raw), k)
		}
	}
	if mode == Sentinel {
		o.MasterName = q.Get("master")
		if o.MasterName == "" {
			return nil, "", fmt.Errorf("redis: %s: Sentinel needs ?master=<name>", redact(raw))
		}
		o.SentinelUsername, o.SentinelPassword = q.Get("sentinel_username"), q.Get("sentinel_password")
	}
	if mode == Cluster {
		o.IsClusterMode = true
	}
	if tlsOn {
		// go-redis dials with tls.DialWithDialer, which takes the server
		// name from each node's address.
		o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return o, mode, nil
}

// redact hides the password of a Redis URL for messages and logs.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return raw
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// Redact hides the password in a Redis URL, for logs.
func Redact(raw string) string { return redact(raw) }
