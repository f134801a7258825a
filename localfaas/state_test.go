package localfaas

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/openfaas/faas-provider/types"
)

func record(name, image string) Function {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	return Function{
		Deployment: types.FunctionDeployment{
			Service: name, Image: image, Namespace: DefaultNamespace,
			EnvVars: map[string]string{"k": "v"}, Labels: &map[string]string{"l": "1"},
		},
		Ref: image, Replicas: 1, CreatedAt: now, UpdatedAt: now,
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateFunction(record("a", testImage)); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateFunction(record("b", testImage)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ScaleFunction("b", 3); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteFunction("a"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutSecret("s", []byte("v"), true); err != nil {
		t.Fatal(err)
	}

	again, err := OpenState(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := record("b", testImage)
	want.Replicas = 3
	if got := again.Functions(); !reflect.DeepEqual(got, []Function{want}) {
		t.Errorf("after reopen functions = %+v, want %+v", got, []Function{want})
	}
	if v, ok := again.Secret("s"); !ok || string(v) != "v" {
		t.Errorf("after reopen secret s = %q, %v", v, ok)
	}
	info, err := os.Stat(filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("state file mode %v: secrets are readable by others", perm)
	}
}

func TestStateUpdateKeepsCreationAndReplicas(t *testing.T) {
	st, _ := OpenState("")
	if err := st.CreateFunction(record("a", testImage)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ScaleFunction("a", 2); err != nil {
		t.Fatal(err)
	}
	upd := record("a", otherImage)
	upd.CreatedAt, upd.Replicas = time.Now(), 1
	got, err := st.UpdateFunction(upd)
	if err != nil {
		t.Fatal(err)
	}
	if got.Replicas != 2 || !got.CreatedAt.Equal(record("a", "").CreatedAt) || got.Deployment.Image != otherImage {
		t.Errorf("updated record = %+v", got)
	}
	if _, err := st.UpdateFunction(record("missing", testImage)); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a missing function = %v, want ErrNotFound", err)
	}
	if err := st.CreateFunction(record("a", testImage)); !errors.Is(err, ErrExists) {
		t.Errorf("second create = %v, want ErrExists", err)
	}
}

func TestStateFailedWriteChangesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	st, err := OpenState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateFunction(record("a", testImage)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateFunction(record("b", testImage)); err == nil {
		t.Fatal("create succeeded although the state could not be written")
	}
	if _, ok := st.Function("b"); ok {
		t.Error("a change that was not written is visible")
	}
}

func TestStateIsSafeForConcurrentUse(t *testing.T) {
	st, err := OpenState(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("fn%d", i)
			_ = st.CreateFunction(record(name, testImage))
			_, _ = st.ScaleFunction(name, 2)
			_ = st.Functions()
			_ = st.PutSecret(name, []byte("x"), true)
		}()
	}
	wg.Wait()
	if n := len(st.Functions()); n != 8 {
		t.Errorf("%d functions recorded, want 8", n)
	}
}
