// Parsing and printing of typed values; see value.h.
#include "rulegen/value.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <cstdlib>

namespace tripline {

bool IpAddr::is_v4() const
{
    for (int i = 0; i < 10; i++)
        if (b[i])
            return false;
    return b[10] == 0xff && b[11] == 0xff;
}

bool IpNet::contains(const IpAddr& a) const
{
    for (int bit = 0; bit < prefix; bit++) {
        int byte = bit / 8, shift = 7 - bit % 8;
        if (((addr.b[byte] >> shift) & 1) != ((a.b[byte] >> shift) & 1))
            return false;
    }
    return true;
}

std::optional<IpAddr> parse_ip(const std::string& s)
{
    IpAddr a;
    in_addr v4;
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        a.b[10] = a.b[11] = 0xff;
        std::memcpy(&a.b[12], &v4, 4);
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), a.b.data()) == 1)
        return a;
    return std::nullopt;
}

std::optional<IpNet> parse_net(const std::string& s)
{
    auto slash = s.find('/');
    auto addr = parse_ip(s.substr(0, slash));
    if (!addr)
        return std::nullopt;
    IpNet n{*addr, 128};
    if (slash == std::string::npos)
        return n;
    auto len = parse_int(s.substr(slash + 1));
    int max = addr->is_v4() ? 32 : 128;
    if (!len || *len < 0 || *len > max)
        return std::nullopt;
    n.prefix = static_cast<int>(*len) + (addr->is_v4() ? 96 : 0);
    // clear host bits so equal networks compare equal
    for (int bit = n.prefix; bit < 128; bit++)
        n.addr.b[bit / 8] &= static_cast<uint8_t>(~(1u << (7 - bit % 8)));
    return n;
}

std::optional<int64_t> parse_int(const std::string& s)
{
    if (s.empty())
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    long long v;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        v = static_cast<long long>(std::strtoull(s.c_str(), &end, 16));
    else
        v = std::strtoll(s.c_str(), &end, 10);
    if (errno || end != s.c_str() + s.size())
        return std::nullopt;
    return v;
}

std::string format_ip(const IpAddr& a)
{
    char buf[INET6_ADDRSTRLEN];
    if (a.is_v4())
        return inet_ntop(AF_INET, &a.b[12], buf, sizeof(buf)) ? buf : "";
    return inet_ntop(AF_INET6, a.b.data(), buf, sizeof(buf)) ? buf : "";
}

std::string format_net(const IpNet& n)
{
    bool v4 = n.addr.is_v4() && n.prefix >= 96;
    return format_ip(n.addr) + "/" + std::to_string(v4 ? n.prefix - 96 : n.prefix);
}

std::string format_value(const Value& v)
{
    struct {
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(int64_t i) const { return std::to_string(i); }
        std::string operator()(const IpAddr& a) const { return format_ip(a); }
        std::string operator()(const IpNet& n) const { return format_net(n); }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(const StrList& l) const
        {
            std::string s = "(";
            for (size_t i = 0; i < l.size(); i++)
                s += (i ? "," : "") + l[i];
            return s + ")";
        }
    } f;
    return std::visit(f, v);
}

}  // namespace tripline
