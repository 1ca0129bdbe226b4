package apigw

import "time"

// TokenBucket is the throttling algorithm API Gateway documents: a bucket of Burst tokens
// refilled at Rate tokens per second; each request takes one and is throttled when none
// is left. It is pure — time comes in as an argument — so the live server and the
// simulator share it. The zero value throttles everything; use NewTokenBucket. Not safe
// for concurrent use: callers hold their own lock.
type TokenBucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// NewTokenBucket returns a full bucket refilling at rate tokens/s up to burst tokens.
func NewTokenBucket(rate float64, burst int) TokenBucket {
	return TokenBucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// Allow takes one token at now if there is one. Times earlier than the last call are
// treated as the last call (no refill), so a clock that steps back cannot mint tokens.
func (b *TokenBucket) Allow(now time.Time) bool {
	return b.AllowN(now, 1)
}

// AllowN takes n tokens at now if there are that many, else takes none.
func (b *TokenBucket) AllowN(now time.Time, n float64) bool {
	b.refill(now)
	if b.tokens >= n {
		b.tokens -= n
		return true
	}
	return false
}

// Tokens returns the tokens available at now (refilling first).
func (b *TokenBucket) Tokens(now time.Time) float64 {
	b.refill(now)
	return b.tokens
}

func (b *TokenBucket) refill(now time.Time) {
	if b.last.IsZero() {
		b.last = now
		return
	}
	if dt := now.Sub(b.last); dt > 0 {
		b.tokens += dt.Seconds() * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.last = now
	}
}
