// Building events for tests: one per class, with plausible defaults.
#pragma once

#include <cstring>

#include "rulegen/abi_names.h"
#include "rulegen/event.h"

namespace tltest {

inline tripline::Event make_event(uint32_t class_id, uint32_t evt_type)
{
    tripline::Event e;
    e.rec.class_id = static_cast<uint8_t>(class_id);
    e.rec.evt_type = static_cast<uint8_t>(evt_type);
    e.rec.tgid = e.rec.pid = 4242;
    e.rec.ppid = 1;
    e.rec.uid = 1000;
    e.rec.gid = 1000;
    e.rec.loginuid = 1000;
    e.num = 1;  // the agent numbers events from 1
    std::strcpy(e.rec.comm, "cat");
    std::strcpy(e.rec.pcomm, "bash");
    std::strcpy(e.rec.container_id, "host");
    e.str[TL_STR_EXEPATH] = "/usr/bin/cat";
    e.str[TL_STR_ARGS] = std::string("cat\0/etc/hosts", 14);
    if (class_id == TL_CLASS_OPEN) {
        e.rec.res = 3;
        e.rec.payload.open = tl_open_info{0, 0100644, 3, TL_FD_FILE, 1, 0, 0, 0, -100, 0};
        e.str[TL_STR_FD_NAME] = "/etc/hosts";
    }
    if (class_id == TL_CLASS_NET) {
        e.rec.payload.net.fd = 5;
        e.rec.payload.net.fd_kind = TL_FD_IPV4;
        auto& c = e.rec.payload.net.sock;
        tripline::IpAddr r = *tripline::parse_ip("169.254.169.254"), l = *tripline::parse_ip("10.0.0.5");
        std::memcpy(c.remote, r.b.data(), 16);
        std::memcpy(c.local, l.b.data(), 16);
        c.rport = 80;
        c.lport = 40000;
        c.l4proto = TL_L4_TCP;
        c.connected = 1;
    }
    if (class_id == TL_CLASS_SYSCALL)
        e.rec.flags |= TL_EF_NO_FD | TL_EF_NO_ADDR;
    return e;
}

}  // namespace tltest
