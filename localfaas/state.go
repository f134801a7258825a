package localfaas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Errors of the State, which handlers turn into 404 and 409.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// stateFile is the name of the state in its directory.
const stateFile = "state.json"

// stateData is what is persisted.
type stateData struct {
	Functions map[string]Function `json:"functions"`
	// Secrets maps names to values. The file is readable by its owner only.
	Secrets map[string][]byte `json:"secrets"`
}

// State holds the recorded functions and secrets, and writes them to a
// JSON file after every change so that a restart keeps them. It is safe
// for concurrent use.
type State struct {
	path string // "" keeps the state in memory only

	mu   sync.Mutex
	data stateData
}

// OpenState loads the state kept in dir, creating dir when needed. An
// empty dir gives a state kept in memory only.
func OpenState(dir string) (*State, error) {
	s := &State{data: stateData{Functions: map[string]Function{}, Secrets: map[string][]byte{}}}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	s.path = filepath.Join(dir, stateFile)
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	if err := json.Unmarshal(b, &s.data); err != nil {
		return nil, fmt.Errorf("read state %s: %w", s.path, err)
	}
	if s.data.Functions == nil {
		s.data.Functions = map[string]Function{}
	}
	if s.data.Secrets == nil {
		s.data.Secrets = map[string][]byte{}
	}
	return s, nil
}

// Function returns the record of name.
func (s *State) Function(name string) (Function, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, ok := s.data.Functions[name]
	return fn, ok
}

// Functions returns every record, sorted by name.
func (s *State) Functions() []Function {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := slices.Sorted(maps.Keys(s.data.Functions))
	fns := make([]Function, len(names))
	for i, n := range names {
		fns[i] = s.data.Functions[n]
	}
	return fns
}

// CreateFunction records fn, or fails with ErrExists.
func (s *State) CreateFunction(fn Function) error {
	return s.change(func(d *stateData) error {
		if _, ok := d.Functions[fn.Name()]; ok {
			return fmt.Errorf("function %s %w", fn.Name(), ErrExists)
		}
		d.Functions[fn.Name()] = fn
		return nil
	})
}

// UpdateFunction replaces the deployment of an existing function, keeping
// its creation time and replica count, or fails with ErrNotFound. It
// returns the record as stored.
func (s *State) UpdateFunction(fn Function) (Function, error) {
	err := s.change(func(d *stateData) error {
		old, ok := d.Functions[fn.Name()]
		if !ok {
			return fmt.Errorf("function %s %w", fn.Name(), ErrNotFound)
		}
		fn.CreatedAt, fn.Replicas = old.CreatedAt, old.Replicas
		d.Functions[fn.Name()] = fn
		return nil
	})
	return fn, err
}

// ScaleFunction records the replica count of name and returns the record.
func (s *State) ScaleFunction(name string, replicas uint64) (Function, error) {
	var fn Function
	err := s.change(func(d *stateData) error {
		var ok bool
		if fn, ok = d.Functions[name]; !ok {
			return fmt.Errorf("function %s %w", name, ErrNotFound)
		}
		fn.Replicas = replicas
		d.Functions[name] = fn
		return nil
	})
	return fn, err
}

// DeleteFunction forgets name, or fails with ErrNotFound.
func (s *State) DeleteFunction(name string) error {
	return s.change(func(d *stateData) error {
		if _, ok := d.Functions[name]; !ok {
			return fmt.Errorf("function %s %w", name, ErrNotFound)
		}
		delete(d.Functions, name)
		return nil
	})
}

// SecretNames returns the names of the secrets, sorted.
func (s *State) SecretNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.data.Secrets))
}

// Secret returns the value of a secret, for a runtime to mount.
func (s *State) Secret(name string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.data.Secrets[name]
	return slices.Clone(v), ok
}

// PutSecret creates (create true; ErrExists if it exists) or updates
// (ErrNotFound if it does not) a secret.
func (s *State) PutSecret(name string, value []byte, create bool) error {
	return s.change(func(d *stateData) error {
		_, ok := d.Secrets[name]
		switch {
		case create && ok:
			return fmt.Errorf("secret %s %w", name, ErrExists)
		case !create && !ok:
			return fmt.Errorf("secret %s %w", name, ErrNotFound)
		}
		d.Secrets[name] = slices.Clone(value)
		return nil
	})
}

// DeleteSecret forgets a secret, or fails with ErrNotFound.
func (s *State) DeleteSecret(name string) error {
	return s.change(func(d *stateData) error {
		if _, ok := d.Secrets[name]; !ok {
			return fmt.Errorf("secret %s %w", name, ErrNotFound)
		}
		delete(d.Secrets, name)
		return nil
	})
}

// change applies fn to a copy of the state and keeps the copy only once
// it is on disk, so a failed write leaves memory and file in agreement.
func (s *State) change(fn func(*stateData) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := stateData{Functions: maps.Clone(s.data.Functions), Secrets: maps.Clone(s.data.Secrets)}
	if err := fn(&next); err != nil {
		return err
	}
	if err := s.write(next); err != nil {
		return err
	}
	s.data = next
	return nil
}

// write replaces the state file atomically: a crash leaves the old file or
// the new one, never half of one.
func (s *State) write(d stateData) error {
	if s.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), stateFile+".*")
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}
