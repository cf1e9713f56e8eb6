package terminology

// Planning a load: which files of the paths given make which release,
// before anything is read (LoadSources documents the rules).

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// sourceSet is the files of one release, before reading.
type sourceSet struct {
	data     string            // the data file or ZIP
	version  string            // from the name or folder; "" when neither tells
	dirNotes map[string]string // proc_notes files of the data file's folder, by year
}

var (
	procNotesName = regexp.MustCompile(`(?i)^proc_notes_(\d{4})\.txt$`)
	dataExts      = map[string]int{".txt": 0, ".xlsx": 1, ".csv": 2, ".xls": 3} // preference order
)

// isDataName reports whether a file name is a candidate ANWEB data file.
func isDataName(base string) bool {
	lower := strings.ToLower(base)
	_, ext := dataExts[filepath.Ext(lower)]
	return ext && strings.Contains(lower, "anweb") && !strings.Contains(lower, "trans")
}

func isHiddenName(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "~$")
}

// planPath expands one path into source sets.
func planPath(p string) ([]*sourceSet, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, pathErr(p, err)
	}
	if !fi.IsDir() {
		notes, err := folderNotes(filepath.Dir(p))
		if err != nil {
			return nil, err
		}
		v, _ := VersionFromName(p)
		return []*sourceSet{{data: p, version: v, dirNotes: notes}}, nil
	}

	// Directory: collect candidates per folder.
	type folder struct {
		data  []string
		notes map[string]string
	}
	folders := map[string]*folder{}
	var order []string
	// Symbolic links to folders are followed (`make data` links the release
	// folders into ./data); visited guards against link cycles.
	visited := map[string]bool{}
	var walk func(root string) error
	visit := func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return pathErr(path, err)
		}
		base := d.Name()
		if d.IsDir() {
			if path != p && isHiddenName(base) {
				return filepath.SkipDir
			}
			return nil
		}
		if isHiddenName(base) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Stat(path)
			if err != nil {
				return pathErr(path, err)
			}
			if target.IsDir() {
				return walk(path)
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		dir := filepath.Dir(path)
		fo := folders[dir]
		if fo == nil {
			fo = &folder{notes: map[string]string{}}
			folders[dir] = fo
			order = append(order, dir)
		}
		switch lower := strings.ToLower(base); {
		case strings.HasSuffix(lower, ".zip") || isDataName(base):
			fo.data = append(fo.data, path)
		case procNotesName.MatchString(base):
			year := procNotesName.FindStringSubmatch(base)[1]
			if prev, dup := fo.notes[year]; dup {
				return fmt.Errorf("%w: two processing-notes files for %s in one folder: %s and %s", ErrInvalid, year, prev, path)
			}
			fo.notes[year] = path
		}
		return nil
	}
	walk = func(root string) error {
		real, err := filepath.EvalSymlinks(root)
		if err != nil {
			return pathErr(root, err)
		}
		if visited[real] {
			return nil
		}
		visited[real] = true
		if real == root {
			return filepath.WalkDir(root, visit)
		}
		// WalkDir does not enter a root that is a link; walk its target
		// under the link's name, so folder names still give versions.
		entries, err := os.ReadDir(real)
		if err != nil {
			return pathErr(root, err)
		}
		for _, e := range entries {
			if err := filepath.WalkDir(filepath.Join(root, e.Name()), visit); err != nil {
				return err
			}
		}
		return nil
	}
	err = walk(p)
	if err != nil {
		return nil, err
	}

	var sets []*sourceSet
	for _, dir := range order {
		fo := folders[dir]
		// ZIPs are releases of their own; loose data files group by version.
		byVersion := map[string][]string{}
		var versions []string
		for _, f := range fo.data {
			if strings.EqualFold(filepath.Ext(f), ".zip") {
				sets = append(sets, &sourceSet{data: f})
				continue
			}
			v, _ := VersionFromName(f)
			if _, seen := byVersion[v]; !seen {
				versions = append(versions, v)
			}
			byVersion[v] = append(byVersion[v], f)
		}
		for _, v := range versions {
			files := byVersion[v]
			slices.SortStableFunc(files, func(a, b string) int {
				return dataExts[strings.ToLower(filepath.Ext(a))] - dataExts[strings.ToLower(filepath.Ext(b))]
			})
			if len(files) > 1 && strings.EqualFold(filepath.Ext(files[0]), filepath.Ext(files[1])) {
				what := "version " + v
				if v == "" {
					what = "an unknown version"
				}
				return nil, fmt.Errorf("%w: two %s files of %s in one folder: %s and %s; keep one",
					ErrInvalid, filepath.Ext(files[0]), what, files[0], files[1])
			}
			// files[1:] are the same release in another format: not read.
			sets = append(sets, &sourceSet{data: files[0], version: v, dirNotes: fo.notes})
		}
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%w: no HCPCS release files (CMS release .zip, *ANWEB*.txt/.xlsx/.csv) under %s", ErrInvalid, p)
	}
	return sets, nil
}

// folderNotes finds the proc_notes_YYYY.txt files directly in dir.
func folderNotes(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, pathErr(dir, err)
	}
	notes := map[string]string{}
	for _, e := range entries {
		if m := procNotesName.FindStringSubmatch(e.Name()); m != nil && !e.IsDir() {
			if prev, dup := notes[m[1]]; dup {
				return nil, fmt.Errorf("%w: two processing-notes files for %s in one folder: %s and %s",
					ErrInvalid, m[1], prev, filepath.Join(dir, e.Name()))
			}
			notes[m[1]] = filepath.Join(dir, e.Name())
		}
	}
	return notes, nil
}
