package lb

import "testing"

func TestParseMatcher(t *testing.T) {
	tests := []struct {
		in      string
		ok      bool
		match   []int
		nomatch []int
		str     string
	}{
		{"200", true, []int{200}, []int{201, 204, 500}, "200"},
		{"200,202", true, []int{200, 202}, []int{201}, "200,202"},
		{"200-299", true, []int{200, 250, 299}, []int{300, 199}, "200-299"},
		{" 200 , 301-302 ", true, []int{200, 301, 302}, []int{303}, "200,301-302"},
		{"", false, nil, nil, ""},
		{"2xx", false, nil, nil, ""},
		{"500", false, nil, nil, ""},
		{"299-200", false, nil, nil, ""},
		{"200,", false, nil, nil, ""},
		{"0200", false, nil, nil, ""},
	}
	for _, tt := range tests {
		m, err := ParseMatcher(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseMatcher(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		for _, c := range tt.match {
			if !m.Match(c) {
				t.Errorf("%q does not match %d", tt.in, c)
			}
		}
		for _, c := range tt.nomatch {
			if m.Match(c) {
				t.Errorf("%q matches %d", tt.in, c)
			}
		}
		if tt.ok && m.String() != tt.str {
			t.Errorf("String() = %q, want %q", m.String(), tt.str)
		}
	}
}

// FuzzParseMatcher checks that the parser never panics and that what it accepts
// round-trips through String.
func FuzzParseMatcher(f *testing.F) {
	for _, s := range []string{"200", "200,202", "200-299", "200,301-302", "", "-", ",", "499-200", "2000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatcher(s)
		if err != nil {
			return
		}
		m2, err := ParseMatcher(m.String())
		if err != nil {
			t.Fatalf("String() %q of accepted %q does not parse: %v", m.String(), s, err)
		}
		for code := 100; code < 600; code++ {
			if m.Match(code) != m2.Match(code) {
				t.Fatalf("round trip of %q changes Match(%d)", s, code)
			}
			if m.Match(code) && (code < 200 || code > 499) {
				t.Fatalf("%q matches %d outside 200-499", s, code)
			}
		}
	})
}
