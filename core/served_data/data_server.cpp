#include "served_data/data_server.h"

#include <httplib.h>

#include <chrono>
#include <stdexcept>

#include "served_data/data_service.h"
#include "served_data/request_auth.h"
#include "swarm/run_key.h"

namespace sds::served {

struct DataServer::Impl {
  swarm::Key32 key;
  std::unique_ptr<DataService> service;
  httplib::Server http;

  void serve(const httplib::Request& req, httplib::Response& res) const {
    const ServiceAnswer answer =
        service->handle(ServiceRequest{req.method, req.path, req.get_header_value(kAuthHeader), req.body, req.remote_addr},
                        unixSeconds());
    res.status = answer.status;
    if (answer.signedAnswer) res.set_header(kDigestHeader, answerTag(key, req.path, answer.body));
    res.set_content(answer.body, answer.type.c_str());
  }
};

DataServer::DataServer(data::Dataset dataset, const swarm::RunKey& key, DataServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->key = key.dataKey();
  impl_->service = std::make_unique<DataService>(std::move(dataset), impl_->key, DataServiceOptions(options));
  // Requests are small JSON objects; a chunk is only ever sent.
  impl_->http.set_payload_max_length(1 << 16);
  impl_->http.set_read_timeout(30);
  for (const std::string& path : DataService::paths())
    impl_->http.Post(path, [this](const httplib::Request& req, httplib::Response& res) { impl_->serve(req, res); });
  const std::string& address = options.address;
  if (options.port == 0) {
    port_ = impl_->http.bind_to_any_port(address);
  } else if (impl_->http.bind_to_port(address, options.port)) {
    port_ = options.port;
  }
  if (port_ <= 0)
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(options.port) +
                             " (another program may use the port, or the address is not this computer's)");
}

DataServer::~DataServer() { stop(); }

void DataServer::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { impl_->http.listen_after_bind(); });
  // stop() only ends a server that is listening: wait for it (microseconds) so that it always can.
  while (!impl_->http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void DataServer::stop() {
  impl_->http.stop();
  if (thread_.joinable()) thread_.join();
}

const DataService& DataServer::service() const { return *impl_->service; }

}  // namespace sds::served
