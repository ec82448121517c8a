// The control socket: `tripline stats` and `tripline reload` ask a running
// agent over a unix socket. One request per connection: a command word and
// a newline; the agent answers one JSON object and closes.
//
//   stats   -> {"ok": true, "health": {...}}               (metrics.h's to_json)
//   reload  -> {"ok": true, "generation": N, "rules": M}
//              {"ok": false, "rules_wrong": true, "error": "...", "diagnostics": "..."}
#pragma once

#include <memory>
#include <string>

#include "user/listener.h"
#include "user/mailbox.h"
#include "user/result.h"

namespace tripline {

inline constexpr const char* kDefaultControlSocket = "/run/tripline/tripline.sock";

// Listens on `path` and passes each command to the agent's thread through
// `mailbox`. Refuses when another agent answers there; a socket left by an
// agent that died is replaced.
Result<std::unique_ptr<Listener>> serve_control(const std::string& path, Mailbox& mailbox);

// The client side: sends `command`, returns the agent's answer.
Result<std::string> ask_agent(const std::string& path, const std::string& command);

// `tripline stats [--json]` and `tripline reload`: print and return the exit code
int cmd_stats(const std::string& path, bool json);
int cmd_reload(const std::string& path);

}  // namespace tripline
