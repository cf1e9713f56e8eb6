package fhirpkg

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// dir reads the .json files and packages in the directory root and below.
func (r *reader) dir(root string) error {
	files, err := walk(root)
	if err != nil {
		return err
	}
	for _, p := range files {
		if isJSON(p) {
			err = r.jsonFile(p, false)
		} else {
			err = r.packageFile(p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// walk lists the .json (but not package.json, an NPM package's manifest),
// .tgz and .tar.gz files in the directory root and below, in path order, following symlinks and skipping hidden names. A file
// or directory reached twice, through symlinks, is listed once (where the
// walk first reaches it), and a symlink loop ends there.
func walk(root string) ([]string, error) {
	w := walker{seen: map[string]bool{}}
	if err := w.walk(root); err != nil {
		return nil, err
	}
	return w.files, nil
}

type walker struct {
	seen  map[string]bool // real paths of the directories and files listed
	files []string
}

func (w *walker) walk(dir string) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return failure(dir, err)
	}
	if real, err = filepath.Abs(real); err != nil {
		return failure(dir, err)
	}
	if w.seen[real] {
		return nil
	}
	w.seen[real] = true
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return failure(dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		mode, realFile := e.Type(), filepath.Join(real, name)
		if mode&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				return failure(p, err)
			}
			mode = fi.Mode().Type()
			if realFile, err = filepath.EvalSymlinks(p); err != nil {
				return failure(p, err)
			}
			if realFile, err = filepath.Abs(realFile); err != nil {
				return failure(p, err)
			}
		}
		switch {
		case mode.IsDir():
			if err := w.walk(p); err != nil {
				return err
			}
		case mode.IsRegular() && wantedFile(name) && !w.seen[realFile]:
			w.seen[realFile] = true
			w.files = append(w.files, p)
		}
	}
	return nil
}

// wantedFile says whether a directory walk reads the file called name.
func wantedFile(name string) bool {
	return isPackage(name) || isJSON(name) && name != "package.json"
}
