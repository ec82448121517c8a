// HTTP outputs through libcurl: the webhook (Falco's JSON alert, which
// Falcosidekick takes as is) and Prometheus Alertmanager (/api/v2/alerts).
// Each attempt is bounded by timeout_ms; a failed one is retried after a
// backoff that doubles, and the retries stop as soon as the output is told to
// give up (shutdown past its drain deadline).
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "user/sinks.h"

namespace tripline {

namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

class HttpSink : public Sink {
public:
    using Body = std::function<std::string(const Shipped&)>;
    HttpSink(std::string name, HttpConfig cfg, std::string url, Body body)
        : name_(std::move(name)), cfg_(std::move(cfg)), url_(std::move(url)), body_(std::move(body))
    {
        curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
        for (const auto& [k, v] : cfg_.headers)
            h = curl_slist_append(h, (k + ": " + v).c_str());
        headers_.reset(h);
    }
    std::string name() const override { return name_; }

    Result<Ok> deliver(const Shipped& a, const std::atomic<bool>& abort) override
    {
        const std::string body = body_(a);
        std::string why;
        long backoff = cfg_.backoff_ms;
        for (int attempt = 0; attempt <= cfg_.retries; attempt++) {
            if (attempt > 0) {
                // sleep in small steps, so a shutdown is not held by a backoff
                const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(backoff);
                while (!abort && std::chrono::steady_clock::now() < end)
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                backoff *= 2;
            }
            if (abort)
                return Error{"giving up at shutdown after " + std::to_string(attempt) + " attempt(s): " + why};
            why = post(body);
            if (why.empty())
                return Ok{};
        }
        return Error{"POST " + url_ + ": " + why + " (after " + std::to_string(cfg_.retries + 1) + " attempts)"};
    }

private:
    // empty on success, else why not
    std::string post(const std::string& body)
    {
        if (!curl_) {
            curl_.reset(curl_easy_init());
            if (!curl_)
                return "curl_easy_init failed";
        }
        CURL* c = curl_.get();
        curl_easy_reset(c);  // keeps the connection cache: one TCP/TLS connection across alerts
        char err[CURL_ERROR_SIZE] = {};
        curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_.get());
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg_.timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg_.timeout_ms);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM from a worker thread
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "tripline");
        if (!cfg_.ca_cert.empty())
            curl_easy_setopt(c, CURLOPT_CAINFO, cfg_.ca_cert.c_str());
        if (!cfg_.client_cert.empty()) {
            curl_easy_setopt(c, CURLOPT_SSLCERT, cfg_.client_cert.c_str());
            curl_easy_setopt(c, CURLOPT_SSLKEY, cfg_.client_key.c_str());
        }
        if (cfg_.insecure) {
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        CURLcode rc = curl_easy_perform(c);
        if (rc != CURLE_OK)
            return err[0] ? err : curl_easy_strerror(rc);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status < 200 || status > 299)
            return "HTTP status " + std::to_string(status);
        return "";
    }

    const std::string name_;
    const HttpConfig cfg_;
    const std::string url_;
    const Body body_;
    std::unique_ptr<curl_slist, CurlDeleter> headers_;
    std::unique_ptr<CURL, CurlDeleter> curl_;
};

void global_init()
{
    // once, from the thread that builds the outputs, before any worker uses curl
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Alertmanager's label and annotation names: [a-zA-Z_][a-zA-Z0-9_]*
std::string label_name(const std::string& s)
{
    std::string out;
    for (char ch : s)
        out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
        out = "_" + out;
    return out;
}

}  // namespace

std::string alertmanager_body(const Shipped& a)
{
    const auto j = nlohmann::json::parse(a.json);
    std::string tags;
    for (const auto& t : j["tags"])
        tags += (tags.empty() ? "" : ",") + t.get<std::string>();
    nlohmann::ordered_json alert;
    alert["labels"] = {{"alertname", j["rule"]}, {"rule", j["rule"]},         {"priority", j["priority"]},
                       {"source", j["source"]},  {"hostname", j["hostname"]}, {"tags", tags}};
    nlohmann::ordered_json ann = {{"summary", j["rule"]}, {"description", j["output"]}};
    for (const auto& [k, v] : j["output_fields"].items())
        ann[label_name(k)] = v.is_string() ? v.get<std::string>() : v.is_null() ? "<NA>" : v.dump();
    alert["annotations"] = ann;
    alert["startsAt"] = j["time"];
    return nlohmann::ordered_json::array({alert}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unique_ptr<Sink> http_sink(const HttpConfig& cfg)
{
    global_init();
    return std::make_unique<HttpSink>("http", cfg, cfg.url, [](const Shipped& a) { return a.json; });
}

std::unique_ptr<Sink> alertmanager_sink(const HttpConfig& cfg)
{
    global_init();
    std::string url = cfg.url;
    const std::string path = "/api/v2/alerts";
    if (url.size() < path.size() || url.compare(url.size() - path.size(), path.size(), path) != 0) {
        while (!url.empty() && url.back() == '/')
            url.pop_back();
        url += path;
    }
    return std::make_unique<HttpSink>("alertmanager", cfg, url, alertmanager_body);
}

}  // namespace tripline
