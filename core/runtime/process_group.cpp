#include "runtime/process_group.h"

#if SDS_HAVE_GLOO || SDS_HAVE_NCCL_GROUP
#include "runtime/process_group_c10d.h"
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sds::runtime {

int pickFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw ProcessGroupError(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int error = errno;
  ::close(fd);
  if (!ok) throw ProcessGroupError(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(error));
  return ntohs(address.sin_port);
}

std::unique_ptr<ProcessGroup> ProcessGroup::join(const GroupOptions& o) {
  const bool nccl = o.backend == Backend::Nccl;
#if !SDS_HAVE_NCCL_GROUP
  if (nccl)
    throw ProcessGroupError("this build of SD Studio has no GPU process groups (it was built without a CUDA LibTorch "
                            "that ships NCCL's process group)");
#endif
#if !SDS_HAVE_GLOO
  if (!nccl)
    throw ProcessGroupError("this build of SD Studio has no CPU process groups (it was built without Gloo's headers)");
#endif
#if SDS_HAVE_GLOO || SDS_HAVE_NCCL_GROUP
  if (o.worldSize < 1 || o.rank < 0 || o.rank >= o.worldSize)
    throw ProcessGroupError("rank " + std::to_string(o.rank) + " is not in a group of " + std::to_string(o.worldSize));
  if (o.masterPort <= 0 || o.masterPort > 65535)
    throw ProcessGroupError("the master's port must be 1–65535, not " + std::to_string(o.masterPort));
  const std::string where = o.masterAddress + ":" + std::to_string(o.masterPort);
  c10::intrusive_ptr<c10d::TCPStore> store;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.masterPort);
    so.isServer = o.rank == 0 && !o.storeHostedElsewhere;
    so.numWorkers = static_cast<std::size_t>(o.worldSize);
    so.waitWorkers = false;
    so.timeout = o.timeout;
    store = c10::make_intrusive<c10d::TCPStore>(o.masterAddress, so);
  } catch (const std::exception& e) {
    throw ProcessGroupError(o.rank == 0 ? "cannot host the group's store at " + where + " (is the port in use?): " +
                                              detail::reason(e)
                                        : "cannot reach the group's master at " + where + ": " + detail::reason(e));
  }
  try {
#if SDS_HAVE_NCCL_GROUP
    if (nccl) return detail::joinNccl(o, store);
#endif
#if SDS_HAVE_GLOO
    if (!nccl) return detail::joinGloo(o, store);
#endif
  } catch (const std::exception& e) {
    throw ProcessGroupError("rank " + std::to_string(o.rank) + " could not join the " + (nccl ? "NCCL" : "Gloo") +
                            " group of " + std::to_string(o.worldSize) + " at " + where + ": " + detail::reason(e));
  }
#endif
  throw ProcessGroupError("no process group backend");
}

}  // namespace sds::runtime
