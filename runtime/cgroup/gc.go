package cgroup

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// GC removes leftover run groups: every directory below the hierarchy's roots whose name
// starts with prefix and for which stale(name) reports true (typically: the run's owner
// process is gone). Processes still inside are killed. It returns the removed
// directories; a group that cannot be removed is reported in the error and GC goes on.
func (h Hierarchy) GC(prefix string, stale func(name string) bool) ([]string, error) {
	var found []string
	for _, root := range h.Roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == root {
					return err
				}
				return nil // a group vanished while we walked: nothing to collect
			}
			if !d.IsDir() || p == root {
				return nil
			}
			if strings.HasPrefix(d.Name(), prefix) {
				if stale(d.Name()) {
					found = append(found, p)
				}
				return filepath.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var removed []string
	var errs []error
	deadline := time.Now().Add(removeTimeout)
	for _, p := range found {
		if err := removeTree(p, deadline); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, p)
	}
	return removed, errors.Join(errs...)
}
