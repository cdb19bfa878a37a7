package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Staff password: stored only as an argon2id hash; five wrong tries lock
// the keypad for a minute.
const (
	MaxPasswordTries = 5
	LockoutFor       = 60 * time.Second
	settingPassword  = "staff_password"
)

// ErrLocked means too many wrong passwords; try again after the lockout.
var ErrLocked = errors.New("password entry locked")

// ErrWrongPassword means the password did not match.
var ErrWrongPassword = errors.New("wrong password")

type lockout struct {
	mu     sync.Mutex
	wrong  int
	until  time.Time
	opened bool // 業務メニュー is open
	loaded bool // read from the store
}

// hashPassword is argon2id with a random salt, in the PHC string format.
func hashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	sum := argon2.IDKey([]byte(pw), salt, 2, 19*1024, 1, 32)
	return fmt.Sprintf("$argon2id$v=19$m=19456,t=2,p=1$%s$%s", base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum))
}

func checkPassword(hash, pw string) bool {
	p := strings.Split(hash, "$")
	if len(p) != 6 || p[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var par uint8
	if _, err := fmt.Sscanf(p[3], "m=%d,t=%d,p=%d", &m, &t, &par); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(p[4])
	want, err2 := base64.RawStdEncoding.DecodeString(p[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, par, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// EnsurePassword stores the staff password on first start, from the
// config. An existing hash is kept: the config's password only seeds a new
// terminal. With none in the config, only the demo gets "0000"; any other
// terminal has no password until staff set one on screen (NeedsPassword),
// and 業務メニュー stays shut until then.
func (t *Terminal) EnsurePassword(initial string) error {
	return t.ensurePassword(initial, true)
}

// EnsurePasswordFor is EnsurePassword for a terminal that is the demo or not.
func (t *Terminal) EnsurePasswordFor(initial string, demo bool) error {
	return t.ensurePassword(initial, demo)
}

func (t *Terminal) ensurePassword(initial string, demo bool) error {
	h, err := t.store.Setting(settingPassword)
	if err != nil {
		return err
	}
	if h != "" {
		return nil
	}
	if initial == "" && demo {
		initial = "0000"
	}
	if initial == "" {
		return nil
	}
	return t.store.SetSetting(settingPassword, hashPassword(initial))
}

// NeedsPassword tells whether no staff password is set yet: the screen
// asks for one before 業務メニュー can open.
func (t *Terminal) NeedsPassword() bool {
	if t.store == nil {
		return false
	}
	h, err := t.store.Setting(settingPassword)
	return err == nil && h == ""
}

// SetFirstPassword sets the staff password when none is set yet.
func (t *Terminal) SetFirstPassword(pw string) error {
	if !t.NeedsPassword() {
		return ErrPasswordSet
	}
	return t.ChangePassword(pw)
}

// ErrPasswordSet means a first password was offered where one is set.
var ErrPasswordSet = errors.New("a staff password is already set")

// ErrNoPassword means no staff password is set yet.
var ErrNoPassword = errors.New("no staff password is set")

// The lockout is stored, so that a restart does not clear it.
const (
	settingLockWrong = "lockout_wrong"
	settingLockUntil = "lockout_until"
)

// loadLockout reads the stored lockout once.
func (t *Terminal) loadLockout(l *lockout) {
	if l.loaded || t.store == nil {
		return
	}
	l.loaded = true
	if v, err := t.store.Setting(settingLockWrong); err == nil && v != "" {
		fmt.Sscanf(v, "%d", &l.wrong)
	}
	if v, err := t.store.Setting(settingLockUntil); err == nil && v != "" {
		if at, err := time.Parse(time.RFC3339Nano, v); err == nil {
			l.until = at
		}
	}
}

// saveLockout writes the lockout; a failed write keeps it in memory.
func (t *Terminal) saveLockout(l *lockout) {
	until := ""
	if !l.until.IsZero() {
		until = l.until.Format(time.RFC3339Nano)
	}
	if err := t.store.SetSetting(settingLockWrong, fmt.Sprint(l.wrong)); err != nil {
		t.cfg.Log.Warn("lockout not stored", "err", err)
	}
	if err := t.store.SetSetting(settingLockUntil, until); err != nil {
		t.cfg.Log.Warn("lockout not stored", "err", err)
	}
}

// ChangePassword replaces the staff password.
func (t *Terminal) ChangePassword(pw string) error {
	if len(pw) < 4 {
		return errors.New("password: at least 4 characters")
	}
	return t.store.SetSetting(settingPassword, hashPassword(pw))
}

// Login checks the staff password for 業務メニュー.
func (t *Terminal) Login(ctx context.Context, pw string) error {
	l := &t.auth
	l.mu.Lock()
	defer l.mu.Unlock()
	t.loadLockout(l)
	now := t.cfg.Now()
	if now.Before(l.until) {
		return fmt.Errorf("%w for %ds", ErrLocked, int(l.until.Sub(now).Seconds()+0.999))
	}
	h, err := t.store.Setting(settingPassword)
	if err != nil {
		return err
	}
	if h == "" {
		return ErrNoPassword
	}
	if !checkPassword(h, pw) {
		l.wrong++
		if l.wrong >= MaxPasswordTries {
			l.wrong, l.until = 0, now.Add(LockoutFor)
			t.saveLockout(l)
			return ErrLocked
		}
		t.saveLockout(l)
		return ErrWrongPassword
	}
	if l.wrong != 0 || !l.until.IsZero() {
		l.wrong, l.until = 0, time.Time{}
		t.saveLockout(l)
	}
	l.opened = true
	return nil
}

// LockedFor tells how long the password keypad stays locked.
func (t *Terminal) LockedFor() time.Duration {
	t.auth.mu.Lock()
	defer t.auth.mu.Unlock()
	t.loadLockout(&t.auth)
	return max(0, t.auth.until.Sub(t.cfg.Now()))
}

// Logout is 業務メニュー終了: it also leaves practice mode.
func (t *Terminal) Logout() {
	t.auth.mu.Lock()
	t.auth.opened = false
	t.auth.mu.Unlock()
	t.SetPractice(false)
}

// MenuOpen tells whether 業務メニュー is open.
func (t *Terminal) MenuOpen() bool {
	t.auth.mu.Lock()
	defer t.auth.mu.Unlock()
	return t.auth.opened
}
