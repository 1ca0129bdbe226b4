package lb

import (
	"fmt"
	"strconv"
	"strings"
)

// Matcher is a parsed health-check success-code matcher: a list of codes and ranges.
type Matcher struct {
	ranges [][2]int
}

// ParseMatcher parses the ALB matcher syntax: "200", "200,202", "200-299", or a mix such
// as "200,301-302". Codes must lie in 200–499, as for ALB HTTP health checks.
func ParseMatcher(s string) (Matcher, error) {
	var m Matcher
	if strings.TrimSpace(s) == "" {
		return m, fmt.Errorf("matcher is empty (use e.g. \"200\" or \"200-299\")")
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := parseCode(lo)
		if err != nil {
			return Matcher{}, fmt.Errorf("matcher %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = parseCode(hi); err != nil {
				return Matcher{}, fmt.Errorf("matcher %q: %w", s, err)
			}
			if b < a {
				return Matcher{}, fmt.Errorf("matcher %q: range %s is reversed (write low-high)", s, part)
			}
		}
		m.ranges = append(m.ranges, [2]int{a, b})
	}
	return m, nil
}

func parseCode(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || len(s) != 3 {
		return 0, fmt.Errorf("%q is not a 3-digit HTTP status code", s)
	}
	if n < 200 || n > 499 {
		return 0, fmt.Errorf("%d is outside 200-499 (the codes ALB accepts for HTTP health checks)", n)
	}
	return n, nil
}

// Match reports whether code is a success.
func (m Matcher) Match(code int) bool {
	for _, r := range m.ranges {
		if code >= r[0] && code <= r[1] {
			return true
		}
	}
	return false
}

// String formats m in the ALB syntax.
func (m Matcher) String() string {
	parts := make([]string, len(m.ranges))
	for i, r := range m.ranges {
		if r[0] == r[1] {
			parts[i] = strconv.Itoa(r[0])
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r[0], r[1])
		}
	}
	return strings.Join(parts, ",")
}
