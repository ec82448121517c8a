// User and group names by id: the snapshot that lets the kernel filter on
// user.name, user.loginname and group.name through the ids it has.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace tripline {

struct Accounts {
    std::map<uint32_t, std::string> users;   // uid -> name
    std::map<uint32_t, std::string> groups;  // gid -> name

    // /etc/passwd and /etc/group as getpwuid/getgrgid read them (the first
    // entry of an id wins); id 0 is "root" when the files do not say
    static Accounts from_files(const std::string& passwd = "/etc/passwd", const std::string& group = "/etc/group");
};

}  // namespace tripline
