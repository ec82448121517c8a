// Typed field values: strings, integers, addresses, networks, booleans.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tripline {

// IPv6, with IPv4 stored IPv4-mapped (::ffff:a.b.c.d), as the kernel sends it.
struct IpAddr {
    std::array<uint8_t, 16> b{};
    bool is_v4() const;
    bool operator==(const IpAddr&) const = default;
    auto operator<=>(const IpAddr&) const = default;
};

// A network; prefix counts bits of the 128-bit form (an IPv4 /8 is /104).
struct IpNet {
    IpAddr addr;
    int prefix = 128;
    bool contains(const IpAddr& a) const;
    bool operator==(const IpNet&) const = default;
    auto operator<=>(const IpNet&) const = default;
};

using StrList = std::vector<std::string>;  // a field with several values (proc.aname)
using Value = std::variant<std::string, int64_t, IpAddr, IpNet, bool, StrList>;

std::optional<IpAddr> parse_ip(const std::string& s);
std::optional<IpNet> parse_net(const std::string& s);  // "10.0.0.0/8", "fe80::/10", or one address
std::optional<int64_t> parse_int(const std::string& s);  // decimal, 0x hex, leading '-'
std::string format_ip(const IpAddr& a);
std::string format_net(const IpNet& n);
std::string format_value(const Value& v);

}  // namespace tripline
