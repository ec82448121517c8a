// The Prometheus endpoint: GET /metrics over HTTP, off unless asked for,
// on loopback unless told otherwise.
//
// Hand-written rather than libmicrohttpd: it serves one route to one kind of
// client (a scraper) on a socket tripline already owns; HTTP/1.0 with a
// Content-Length and a close is all Prometheus needs, and the request is
// bounded (8 KiB) and timed out (2 s) by the Listener.
#pragma once

#include <memory>
#include <string>

#include "user/listener.h"
#include "user/mailbox.h"

namespace tripline {

inline constexpr const char* kDefaultMetricsAddress = "127.0.0.1:9376";

// the body for GET /metrics comes from the agent's thread through `mailbox`
// as the answer to "metrics"
Result<std::unique_ptr<Listener>> serve_metrics(const std::string& host_port, Mailbox& mailbox);

// an HTTP/1.0 response; exposed for the tests
std::string http_response(int status, const std::string& content_type, const std::string& body);

}  // namespace tripline
