package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address login limits and public forms are counted
// against. Without ClientIPHeader it is the connection's address. With it,
// the header is believed only from a trusted proxy (TrustedProxies; empty:
// whatever peer connects, which then must be the proxy), and of its
// comma-separated hops (X-Forwarded-For: client, proxy1, proxy2) the
// rightmost one that is not a trusted proxy is the client: everything left
// of it was written by the client itself and may be forged.
func (s *Server) clientIP(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	h := s.opts.ClientIPHeader
	if h == "" {
		return peer
	}
	if len(s.opts.TrustedProxies) > 0 && !trusted(s.opts.TrustedProxies, peer) {
		return peer
	}
	vals := r.Header.Values(h)
	if len(vals) == 0 {
		return peer
	}
	hops := strings.Split(strings.Join(vals, ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		addr, ok := parseHop(hop)
		if !ok {
			return peer // a garbled hop: trust nothing left of it
		}
		if i > 0 && trusted(s.opts.TrustedProxies, addr.String()) {
			continue
		}
		return addr.String()
	}
	return peer
}

// parseHop reads one hop: an address, with a port or in brackets perhaps.
func parseHop(hop string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.Trim(hop, "[]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

func trusted(proxies []netip.Prefix, addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseProxies reads a comma-separated list of addresses and CIDR prefixes
// (10.0.0.0/8,192.0.2.7).
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, err
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
