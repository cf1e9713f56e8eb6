package terminology

import (
	"archive/zip"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"
)

// LoadOptions adjusts LoadSources.
type LoadOptions struct {
	// Version, when set, is the version (YYYY-MM) of the release read,
	// whatever the names say. It is allowed only when the paths hold
	// exactly one release; it lets a caller load a file whose name and
	// folder do not tell its version.
	Version string
}

// LoadSources reads every CMS HCPCS release found in paths and returns them
// oldest first. Each path is one of
//
//   - a CMS release ZIP (october-2025-alpha-numeric-hcpcs-file.zip): its
//     ANWEB member — .txt preferred over .xlsx over .csv — and its
//     proc_notes_*.txt, in any folder of the archive, make one release;
//   - an ANWEB data file: fixed-width .txt, .xlsx or .csv, recognised by
//     content, not by name;
//   - a directory, scanned recursively.
//
// In a directory, the candidate release files are .zip files and files
// whose name contains "ANWEB" (any case) with extension .txt, .xlsx, .csv or
// .xls, except names containing "trans" (CMS's transaction reports); names
// starting with "." or "~$" and every other file (README, record layout,
// .prn, trans_alpha.xlsx) are skipped. The data files of one folder are
// grouped by version: a folder holding the .txt and the .xlsx (and/or .csv)
// of one release yields ONE release, read from the .txt — the layout CMS
// documents byte for byte, while CMS's spreadsheets lose values (2019: 115
// ACT EFF DT left blank) and carry a stray G0503 continuation row — else
// from the .xlsx, else from the .csv. An .xls (BIFF8) beside another data file of its release is ignored;
// alone it is an error, as .xls is not supported.
//
// The version comes from the file name, else the ZIP member's name, else the
// nearest folder named YYYY-MM (see VersionFromName), else opts.Version.
// A proc_notes_YYYY.txt in the folder of a data file supplies the processing
// notes of the releases of year YYYY read from that folder. Release.Sources
// lists the files used, data file first; a ZIP member is named
// "archive.zip!member".
//
// Loading is all or nothing: on any error — an unreadable or malformed file,
// an unknown format, a release without a version, two sources of the same
// version — LoadSources returns no releases and an error that wraps
// ErrInvalid (a *ReadError when one file is at fault) and names the file(s)
// and, where it applies, the line or row.
func LoadSources(paths []string, opts LoadOptions) ([]*Release, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: no release sources given", ErrInvalid)
	}
	if opts.Version != "" {
		if _, err := ParseVersion(opts.Version); err != nil {
			return nil, err
		}
	}
	var sets []*sourceSet
	for _, p := range paths {
		s, err := planPath(p)
		if err != nil {
			return nil, err
		}
		sets = append(sets, s...)
	}
	if opts.Version != "" && len(sets) != 1 {
		return nil, fmt.Errorf("%w: a version can be given only for exactly one release, but %s hold %d",
			ErrInvalid, strings.Join(paths, ", "), len(sets))
	}

	releases := make([]*Release, len(sets))
	errs := make([]error, len(sets))
	var g errgroup.Group
	g.SetLimit(min(runtime.GOMAXPROCS(0), maxParallelLoads))
	for _, i := range costliestFirst(sets) {
		g.Go(func() error {
			releases[i], errs[i] = sets[i].load(opts.Version)
			return nil
		})
	}
	_ = g.Wait()
	// Report the first failure in the order of the paths, not of finishing.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	SortReleases(releases)
	for i := 1; i < len(releases); i++ {
		if a, b := releases[i-1], releases[i]; a.Version == b.Version {
			return nil, fmt.Errorf("%w: version %s is given twice: by %s and by %s",
				ErrInvalid, a.Version, a.Sources[0], b.Sources[0])
		}
	}
	return releases, nil
}

// maxParallelLoads bounds how many releases are read at once. Each
// spreadsheet in flight holds about 20 MB while excelize parses it, and the
// garbage collector lets the heap grow to twice what is live, so peak memory
// grows with this number; four keeps loading fast on a large machine
// without letting the peak run away.
const maxParallelLoads = 4

// costliestFirst orders the sets by the estimated cost of reading them,
// costliest first, so that the last to finish is a short one and no
// worker idles at the end (of nine releases on two cores, the two .xlsx
// of 2023 and 2025 cost most). A spreadsheet costs about ten times its
// size in text, and a ZIP may hold one.
func costliestFirst(sets []*sourceSet) []int {
	cost := make([]int64, len(sets))
	for i, s := range sets {
		if fi, err := os.Stat(s.data); err == nil {
			cost[i] = fi.Size()
		}
		if ext := strings.ToLower(filepath.Ext(s.data)); ext == ".xlsx" || ext == ".zip" {
			cost[i] *= 10
		}
	}
	order := make([]int, len(sets))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cost[b], cost[a]) })
	return order
}

// ReadReleaseFile reads one release from one file: a CMS release ZIP or an
// ANWEB data file (.txt, .xlsx, .csv). version may be "" to take it from the
// name or folder. A proc_notes_YYYY.txt beside a data file is attached, as
// LoadSources does.
func ReadReleaseFile(path string, version string) (*Release, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, pathErr(path, err)
	}
	if fi.IsDir() {
		return nil, &ReadError{File: path, Err: errors.New("is a directory; ReadReleaseFile reads one file (use LoadSources)")}
	}
	rs, err := LoadSources([]string{path}, LoadOptions{Version: version})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// load reads the set and builds its release; forced, when set, is the version.
func (s *sourceSet) load(forced string) (*Release, error) {
	data, err := os.ReadFile(s.data)
	if err != nil {
		return nil, pathErr(s.data, err)
	}
	format, zr, err := detectFormat(s.data, data)
	if err != nil {
		return nil, err
	}
	var (
		concepts []*Concept
		notes    map[string]string
		sources  []string
		version  = s.version
	)
	if format == formatZip {
		var member string
		concepts, notes, sources, member, err = readReleaseZip(s.data, zr)
		if err != nil {
			return nil, err
		}
		switch v, ok := versionFromBase(filepath.Base(s.data)); {
		case forced != "": // the given version wins, set below
		case ok:
			version = v
			if mv, ok := versionFromBase(path.Base(member)); ok && mv != v {
				return nil, fmt.Errorf("%w: %s: the archive's name says version %s but its member %s says %s",
					ErrInvalid, s.data, v, member, mv)
			}
		default:
			if v, ok := versionFromBase(path.Base(member)); ok {
				version = v
			} else {
				version, _ = versionFromFolders(filepath.Dir(s.data))
			}
		}
	} else {
		if concepts, err = readData(s.data, format, data); err != nil {
			return nil, err
		}
		sources = []string{s.data}
	}
	if forced != "" {
		version = forced
	}
	if version == "" {
		return nil, &ReadError{File: s.data, Err: errors.New("cannot tell the release version from the file name or a folder named YYYY-MM; rename it or give the version explicitly")}
	}
	if format != formatZip {
		if np := s.dirNotes[version[:4]]; np != "" {
			f, err := os.Open(np)
			if err != nil {
				return nil, pathErr(np, err)
			}
			notes, err = ReadProcNotes(f, np)
			f.Close()
			if err != nil {
				return nil, err
			}
			sources = append(sources, np)
		}
	}
	r, err := NewRelease(version, sources, concepts, notes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.data, err)
	}
	return r, nil
}

// format is the kind of a source file, as its content shows.
type format int

const (
	formatFixedWidth format = iota + 1
	formatXLSX
	formatCSV
	formatZip // a CMS release ZIP (not an xlsx)
)

const supported = "supported are a CMS release .zip and ANWEB files as fixed-width .txt, .xlsx or .csv"

// unsupportedError says what a file is that cannot be read; it matches
// ErrNotSupported.
type unsupportedError string

func (e unsupportedError) Error() string        { return string(e) }
func (e unsupportedError) Is(target error) bool { return target == ErrNotSupported }

// pathErr reports a failed file-system operation on p without repeating p.
func pathErr(p string, err error) *ReadError {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return &ReadError{File: p, Err: err}
}

// detectFormat tells the format of a file from its content; name is for
// messages and for the hint in an error. For a ZIP it also returns the
// opened archive.
func detectFormat(name string, data []byte) (format, *zip.Reader, error) {
	unsupported := func(what string) error {
		return readErr(name, "", 0, unsupportedError(what+"; "+supported))
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return 0, nil, readErrf(name, "", 0, "is a ZIP archive but cannot be read (truncated or corrupt?): %v", err)
		}
		for _, f := range zr.File {
			if f.Name == "xl/workbook.xml" {
				return formatXLSX, nil, nil
			}
		}
		return formatZip, zr, nil
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return 0, nil, unsupported("is an Excel 97-2003 workbook (.xls, BIFF8), which is not supported: use the .txt or .xlsx of the same release")
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return 0, nil, unsupported("is a PDF document, not an HCPCS release file")
	case len(data) == 0:
		return 0, nil, unsupported("is empty")
	}
	// Text: the first line that is an ANWEB record or an ANWEB CSV header decides.
	for rest := data; len(rest) > 0; {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		if isRecordStart(line) && len(line) > 10 && bytes.IndexByte([]byte("3478"), line[10]) >= 0 {
			return formatFixedWidth, nil, nil
		}
		l := bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
		l = bytes.ReplaceAll(l, []byte(`"`), nil)
		if len(l) >= 17 && strings.EqualFold(string(l[:17]), "HCPC,SEQNUM,RECID") {
			return formatCSV, nil, nil
		}
	}
	what := "is a text file with neither ANWEB fixed-width records nor an ANWEB CSV header (HCPC,SEQNUM,RECID,...)"
	if !isMostlyText(data) {
		n := min(len(data), 8)
		what = fmt.Sprintf("is binary data of an unknown format (starts % x)", data[:n])
	}
	return 0, nil, unsupported(what)
}

func isMostlyText(data []byte) bool {
	sample := data[:min(len(data), 4096)]
	bad := 0
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			bad++
		}
	}
	return bad*100 <= len(sample) && (utf8.Valid(sample) || bad == 0)
}

// readData parses a data file of a known format.
func readData(name string, f format, data []byte) ([]*Concept, error) {
	switch f {
	case formatFixedWidth:
		return readFixedWidth(data, name)
	case formatXLSX:
		return readXLSX(data, name, true)
	case formatCSV:
		return ReadCSV(bytes.NewReader(data), name)
	}
	return nil, readErrf(name, "", 0, "is not an ANWEB data file")
}

// maxMemberSize caps the uncompressed size of a ZIP member read into memory.
const maxMemberSize = 512 << 20

// readReleaseZip reads the ANWEB data member and the processing notes of a
// CMS release ZIP. It returns the member read, for the version.
func readReleaseZip(name string, zr *zip.Reader) (concepts []*Concept, notes map[string]string, sources []string, member string, err error) {
	var (
		data   []*zip.File
		nfiles []*zip.File
	)
	for _, f := range zr.File {
		base := path.Base(f.Name)
		if f.FileInfo().IsDir() || isHiddenName(base) || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		switch {
		case isDataName(base):
			data = append(data, f)
		case isProcNotesMember(base):
			nfiles = append(nfiles, f)
		}
	}
	if len(data) == 0 {
		return nil, nil, nil, "", readErrf(name, "", 0, "ZIP archive has no ANWEB data file (*ANWEB*.txt, .xlsx or .csv)")
	}
	slices.SortStableFunc(data, func(a, b *zip.File) int {
		return dataExts[strings.ToLower(path.Ext(a.Name))] - dataExts[strings.ToLower(path.Ext(b.Name))]
	})
	if len(data) > 1 && strings.EqualFold(path.Ext(data[0].Name), path.Ext(data[1].Name)) {
		return nil, nil, nil, "", readErrf(name, "", 0, "ZIP archive has two %s ANWEB files, %s and %s; cannot tell which is the release", path.Ext(data[0].Name), data[0].Name, data[1].Name)
	}
	if len(nfiles) > 1 {
		return nil, nil, nil, "", readErrf(name, "", 0, "ZIP archive has two processing-notes files, %s and %s", nfiles[0].Name, nfiles[1].Name)
	}

	member = data[0].Name
	memberName := name + "!" + member
	raw, err := readMember(name, data[0])
	if err != nil {
		return nil, nil, nil, "", err
	}
	f, _, err := detectFormat(memberName, raw)
	if err != nil {
		return nil, nil, nil, "", err
	}
	if f == formatZip {
		return nil, nil, nil, "", readErrf(memberName, "", 0, "is a ZIP inside the ZIP; unpack it first")
	}
	if concepts, err = readData(memberName, f, raw); err != nil {
		return nil, nil, nil, "", err
	}
	sources = []string{memberName}
	if len(nfiles) == 1 {
		notesName := name + "!" + nfiles[0].Name
		raw, err := readMember(name, nfiles[0])
		if err != nil {
			return nil, nil, nil, "", err
		}
		if notes, err = ReadProcNotes(bytes.NewReader(raw), notesName); err != nil {
			return nil, nil, nil, "", err
		}
		sources = append(sources, notesName)
	}
	return concepts, notes, sources, member, nil
}

// isProcNotesMember reports whether a ZIP member is the processing notes:
// proc_notes*.txt, any case (the archive holds one release, so the year in
// the name does not matter).
func isProcNotesMember(base string) bool {
	lower := strings.ToLower(base)
	return strings.HasPrefix(lower, "proc_notes") && strings.HasSuffix(lower, ".txt")
}

func readMember(archive string, f *zip.File) ([]byte, error) {
	name := archive + "!" + f.Name
	if f.UncompressedSize64 > maxMemberSize {
		return nil, readErrf(name, "", 0, "member is %d bytes uncompressed, more than the %d allowed", f.UncompressedSize64, maxMemberSize)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, readErrf(name, "", 0, "cannot read ZIP member (corrupt archive?): %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxMemberSize+1))
	if err != nil {
		return nil, readErrf(name, "", 0, "cannot read ZIP member (truncated or corrupt archive?): %v", err)
	}
	if len(b) > maxMemberSize {
		return nil, readErrf(name, "", 0, "member is more than %d bytes uncompressed", maxMemberSize)
	}
	return b, nil
}
