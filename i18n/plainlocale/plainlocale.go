// Package plainlocale keeps the C and POSIX locales quiet. Fyne reads
// LC_ALL, LC_MESSAGES and LANG while its packages initialise and logs
// "Error parsing user locale C" for C.UTF-8, the default of fresh Debian
// and Ubuntu containers, even for commands that open no window. main
// imports this package: it has no Fyne imports and its path sorts before
// fyne.io, so Go (1.21 and later) initialises it first.
package plainlocale

import (
	"os"
	"strings"
)

func init() { Normalize() }

// Normalize rewrites a C or POSIX locale with a codeset (C.UTF-8,
// POSIX.utf8) to plain C, which means the same to codepay and which Fyne
// reads as "no locale". Any other locale is left as it is.
func Normalize() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(v, ".")
		base, _, _ = strings.Cut(base, "@")
		if (base == "C" || base == "POSIX") && v != base {
			os.Setenv(k, "C")
		}
		return // the first one set is the one that counts
	}
}
