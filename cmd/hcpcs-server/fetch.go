package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// defaultFetchBaseURL is where CMS publishes the quarterly Alpha-Numeric
// HCPCS release ZIPs.
const defaultFetchBaseURL = "https://www.cms.gov/files/zip/"

// defaultFetchTimeout bounds one HTTP request, body included.
const defaultFetchTimeout = 10 * time.Minute

// now is the clock used to pick the latest quarter when fetch is given no
// argument. Tests replace it.
var now = time.Now

// fetchIsTerminal reports whether w is a terminal, which decides whether a
// progress bar is drawn. Tests replace it.
var fetchIsTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// knownSHA256 holds the SHA-256 (lower-case hex) of CMS release ZIPs, keyed
// by file name. A download whose name is listed here must match, unless
// --sha256 is given. Checksums are added here as CMS files are downloaded and
// verified against their contents; `hcpcs-server fetch` prints the SHA-256 of
// every file it fetches for that purpose. A name missing from the map is
// downloaded without verification.
var knownSHA256 = map[string]string{}

// fetchConfig is the parsed command line of `hcpcs-server fetch`.
type fetchConfig struct {
	dataDir string
	baseURL string
	sha256  string
	force   bool
	timeout time.Duration
	targets []fetchTarget
}

// fetchTarget is one file to download: the candidate URLs, tried in order
// while the server answers 404, and the folder under the data directory it
// is written to ("" for the data directory itself).
type fetchTarget struct {
	arg    string
	urls   []string
	folder string
	// unpublished, for the default target (no argument), is the release
	// fetched instead when CMS answers 404: the quarter before, as CMS
	// may publish a quarter's file after the quarter has started.
	unpublished *fetchTarget
}

const fetchUsage = `Usage: hcpcs-server fetch [flags] [URL|YYYY-MM ...]

Downloads CMS quarterly Alpha-Numeric HCPCS release ZIPs into the data
directory, one folder per release: DATA-DIR/YYYY-MM/NAME.zip.

Arguments are release versions YYYY-MM (January, April, July, October),
which become CMS URLs
  BASE-URL<month>-<year>-alpha-numeric-hcpcs-file.zip
(falling back to ...-alpha-numeric-hcpcs-files.zip on 404), or explicit
http(s) URLs. With no argument, the release in effect today is fetched:
the latest quarter that has started, or, while CMS has not published it
(404), the quarter before.

A download is written to a temporary file, synced, verified and only then
renamed into place, so an interrupted or failed download leaves no file. An
existing file is kept unless --force is given.

Flags (the flag wins over the environment):
  --data-dir DIR     data directory (env HCPCS_DATA_DIR; default ./data)
  --base-url URL     replaces https://www.cms.gov/files/zip/ for YYYY-MM
                     arguments (env HCPCS_FETCH_BASE_URL)
  --sha256 HEX       expected SHA-256 of the download; only with a single
                     argument (env HCPCS_FETCH_SHA256). Without it, the
                     built-in checksum of a known CMS file name is checked.
  --force            download again even if the file exists
                     (env HCPCS_FETCH_FORCE)
  --timeout DURATION timeout of one HTTP request, body included
                     (env HCPCS_FETCH_TIMEOUT; default 10m)
  -h, --help         show this help
`

// runFetch implements `hcpcs-server fetch [flags] [URL|YYYY-MM ...]`.
func runFetch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFetchArgs(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(stdout, fetchUsage)
		return err
	}
	if err != nil {
		return err
	}

	client := &http.Client{Timeout: cfg.timeout}
	userAgent := "hcpcs-server/" + softwareVersion()
	showBar := fetchIsTerminal(stderr)

	var errs []error
	for _, t := range cfg.targets {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("fetch %s: %w", t.arg, err))
			break
		}
		err := fetchOne(ctx, client, userAgent, cfg, t, showBar, stdout, stderr)
		if t.unpublished != nil && errors.Is(err, errFetchNotFound) {
			fmt.Fprintf(stdout, "%s is not published yet (404); fetching %s, the quarter before\n", t.arg, t.unpublished.arg)
			err = fetchOne(ctx, client, userAgent, cfg, *t.unpublished, showBar, stdout, stderr)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// parseFetchArgs reads flags (which may come before or after the
// arguments) and the environment, and turns the arguments into targets.
func parseFetchArgs(args []string, getenv func(string) string, stderr io.Writer) (*fetchConfig, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	envOr := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}

	cfg := &fetchConfig{}
	flags := flag.NewFlagSet("fetch", flag.ContinueOnError)
	// The flag package's own messages are discarded: runFetch answers -h on
	// stdout, and a bad flag is returned as an error after the usage text.
	flags.SetOutput(io.Discard)
	flags.Usage = func() {}
	flags.StringVar(&cfg.dataDir, "data-dir", envOr("HCPCS_DATA_DIR", "./data"), "data directory")
	flags.StringVar(&cfg.baseURL, "base-url", envOr("HCPCS_FETCH_BASE_URL", defaultFetchBaseURL), "base URL of the CMS release ZIPs")
	flags.StringVar(&cfg.sha256, "sha256", getenv("HCPCS_FETCH_SHA256"), "expected SHA-256 of a single download")

	force := false
	if v := getenv("HCPCS_FETCH_FORCE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("fetch: HCPCS_FETCH_FORCE=%q: not a boolean", v)
		}
		force = b
	}
	flags.BoolVar(&cfg.force, "force", force, "download again even if the file exists")

	timeout := defaultFetchTimeout
	if v := getenv("HCPCS_FETCH_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("fetch: HCPCS_FETCH_TIMEOUT=%q: %v", v, err)
		}
		timeout = d
	}
	flags.DurationVar(&cfg.timeout, "timeout", timeout, "timeout of one HTTP request")

	var positional []string
	rest := args
	for {
		if err := flags.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			_, _ = io.WriteString(stderr, fetchUsage)
			return nil, fmt.Errorf("fetch: %w", err)
		}
		left := flags.Args()
		if used := len(rest) - len(left); used > 0 && rest[used-1] == "--" {
			positional = append(positional, left...) // "--" ends the flags
			break
		}
		if len(left) == 0 {
			break
		}
		positional = append(positional, left[0])
		rest = left[1:]
	}

	if cfg.dataDir == "" {
		return nil, errors.New("fetch: --data-dir is empty")
	}
	if cfg.timeout <= 0 {
		return nil, fmt.Errorf("fetch: --timeout %s: must be positive", cfg.timeout)
	}
	base, err := url.Parse(cfg.baseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("fetch: --base-url %q: not an http(s) URL", cfg.baseURL)
	}
	if !strings.HasSuffix(cfg.baseURL, "/") {
		cfg.baseURL += "/"
	}
	if cfg.sha256 != "" {
		cfg.sha256 = strings.ToLower(strings.TrimSpace(cfg.sha256))
		if b, err := hex.DecodeString(cfg.sha256); err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("fetch: --sha256 %q: not 64 hex digits", cfg.sha256)
		}
	}

	defaulted := len(positional) == 0
	if defaulted {
		positional = []string{fetchLatestQuarter(now())}
	}
	if cfg.sha256 != "" && len(positional) != 1 {
		return nil, fmt.Errorf("fetch: --sha256 applies to a single download, got %d arguments", len(positional))
	}
	for _, a := range positional {
		t, err := fetchTargetFor(a, cfg.baseURL)
		if err != nil {
			return nil, err
		}
		if defaulted {
			prev, err := fetchTargetFor(fetchPreviousQuarter(a), cfg.baseURL)
			if err != nil {
				return nil, err
			}
			t.unpublished = &prev
		}
		cfg.targets = append(cfg.targets, t)
	}
	return cfg, nil
}

var fetchVersionArg = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// fetchLatestQuarter returns the YYYY-MM of the latest quarterly release
// (January, April, July, October) that has started at t.
func fetchLatestQuarter(t time.Time) string {
	m := (int(t.Month())-1)/3*3 + 1
	return fmt.Sprintf("%04d-%02d", t.Year(), m)
}

// fetchPreviousQuarter returns the quarterly release before version YYYY-MM.
func fetchPreviousQuarter(version string) string {
	t, err := time.Parse("2006-01", version)
	if err != nil {
		return version
	}
	return t.AddDate(0, -3, 0).Format("2006-01")
}

// fetchReleaseURLs returns the CMS URLs of the release version YYYY-MM under
// base (which ends in "/"): the "-file.zip" form, then the "-files.zip"
// form that some quarters use.
func fetchReleaseURLs(base, version string) ([]string, error) {
	m := fetchVersionArg.FindStringSubmatch(version)
	if m == nil {
		return nil, fmt.Errorf("fetch: version %q is not of the form YYYY-MM", version)
	}
	month, _ := strconv.Atoi(m[2])
	if month < 1 || month > 12 {
		return nil, fmt.Errorf("fetch: version %q: month %s out of range", version, m[2])
	}
	stem := strings.ToLower(time.Month(month).String()) + "-" + m[1] + "-alpha-numeric-hcpcs-"
	return []string{base + stem + "file.zip", base + stem + "files.zip"}, nil
}

// fetchTargetFor turns one argument, a YYYY-MM version or an http(s) URL,
// into a target.
func fetchTargetFor(arg, base string) (fetchTarget, error) {
	if fetchVersionArg.MatchString(arg) {
		urls, err := fetchReleaseURLs(base, arg)
		if err != nil {
			return fetchTarget{}, err
		}
		return fetchTarget{arg: arg, urls: urls, folder: arg}, nil
	}
	u, err := url.Parse(arg)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fetchTarget{}, fmt.Errorf("fetch: argument %q is neither a YYYY-MM version nor an http(s) URL", arg)
	}
	name := path.Base(u.Path)
	if !fetchValidFileName(name) {
		return fetchTarget{}, fmt.Errorf("fetch: URL %q does not name a file", arg)
	}
	return fetchTarget{arg: arg, urls: []string{arg}, folder: folderForName(name)}, nil
}

// errFetchNotFound marks a 404, on which the next candidate URL is tried.
var errFetchNotFound = errors.New("HTTP 404 Not Found")

// fetchOne downloads one target into the data directory.
func fetchOne(ctx context.Context, client *http.Client, userAgent string, cfg *fetchConfig, t fetchTarget, showBar bool, stdout, stderr io.Writer) (err error) {
	dir := filepath.Join(cfg.dataDir, t.folder)

	if !cfg.force {
		for _, u := range t.urls {
			dest := filepath.Join(dir, fetchURLFileName(u))
			if fi, err := os.Stat(dest); err == nil && fi.Mode().IsRegular() {
				_, err := fmt.Fprintf(stdout, "skipped %s (already present; use --force to download again)\n", dest)
				return err
			}
		}
	}
	_, statErr := os.Stat(dir)
	switch {
	case errors.Is(statErr, fs.ErrNotExist):
		if mkErr := os.MkdirAll(dir, 0o755); mkErr != nil {
			return fmt.Errorf("fetch %s: %w", t.arg, mkErr)
		}
		// Leave no empty release folder behind when nothing was fetched.
		defer func() {
			if err != nil {
				_ = os.Remove(dir)
			}
		}()
	case statErr != nil:
		return fmt.Errorf("fetch %s: %w", t.arg, statErr)
	}

	var notFound []string
	for _, u := range t.urls {
		name := fetchURLFileName(u)
		want := cfg.sha256
		if want == "" {
			want = strings.ToLower(knownSHA256[name])
		}
		n, sum, err := fetchDownload(ctx, client, userAgent, u, dir, name, want, showBar, stderr)
		if errors.Is(err, errFetchNotFound) {
			notFound = append(notFound, u)
			continue
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "fetched %s (%d bytes, sha256 %s)\n", filepath.Join(dir, name), n, sum)
		return err
	}
	if len(notFound) == 1 {
		return fmt.Errorf("fetch %s: %w: %s", t.arg, errFetchNotFound, notFound[0])
	}
	return fmt.Errorf("fetch %s: %w for both %s", t.arg, errFetchNotFound, strings.Join(notFound, " and "))
}

// fetchValidFileName reports whether name can be written as one file in a
// directory.
func fetchValidFileName(name string) bool {
	return name != "" && name != "." && name != ".." && name != "/" &&
		!strings.ContainsAny(name, `/\`+"\x00")
}

// fetchURLFileName is the last path element of a URL, unescaped.
func fetchURLFileName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return path.Base(raw)
	}
	return path.Base(u.Path)
}

// fetchDownload GETs rawURL into dir/name via a temporary file in dir, checking
// the length against Content-Length and the SHA-256 against want (when not
// empty). It returns the size and the SHA-256 of the file. On any error no
// file is left behind; a 404 is reported as errFetchNotFound.
func fetchDownload(ctx context.Context, client *http.Client, userAgent, rawURL, dir, name, want string, showBar bool, stderr io.Writer) (n int64, sum string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, errFetchNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("fetch %s: HTTP status %s", rawURL, resp.Status)
	}

	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()

	h := sha256.New()
	var w io.Writer = io.MultiWriter(tmp, h)
	var bar *progressbar.ProgressBar
	if showBar {
		bar = progressbar.NewOptions64(resp.ContentLength,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription(name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(65*time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionSetSpinnerChangeInterval(0), // no background goroutine
			progressbar.OptionSetRenderBlankState(true),
		)
		w = io.MultiWriter(w, bar)
	}

	n, err = io.Copy(w, resp.Body)
	if bar != nil {
		if err == nil {
			_ = bar.Finish()
		}
		_, _ = io.WriteString(stderr, "\n")
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		if resp.ContentLength >= 0 {
			return 0, "", fmt.Errorf("fetch %s: body cut short after %d of %d bytes: %w", rawURL, n, resp.ContentLength, err)
		}
		return 0, "", fmt.Errorf("fetch %s: body cut short after %d bytes: %w", rawURL, n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return 0, "", fmt.Errorf("fetch %s: short body: got %d of %d bytes", rawURL, n, resp.ContentLength)
	}
	if err = ctx.Err(); err != nil {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}

	sum = hex.EncodeToString(h.Sum(nil))
	if want != "" && sum != want {
		err = fmt.Errorf("fetch %s: checksum mismatch for %s: expected sha256 %s, got %s", rawURL, name, want, sum)
		return 0, "", err
	}

	if err = tmp.Sync(); err != nil {
		return 0, "", fmt.Errorf("fetch %s: sync: %w", rawURL, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if err = tmp.Close(); err != nil {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	dest := filepath.Join(dir, name)
	if err = os.Rename(tmpName, dest); err != nil {
		return 0, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	fetchSyncDir(dir)
	return n, sum, nil
}

// fetchSyncDir flushes a directory entry after a rename, where the platform
// allows it.
func fetchSyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// folderForName is the release folder (YYYY-MM) of a downloaded file, or ""
// when its name does not say; the loader reads versions the same way.
func folderForName(name string) string {
	v, _ := terminology.VersionFromName(name)
	return v
}
