#include "swarm/state_transfer.h"

#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "swarm/peer_server.h"
#include "swarm/secure_channel.h"
#include "swarm/wire.h"
#include "util/atomic_file.h"
#include "util/log.h"

namespace sds::swarm {

namespace {

constexpr std::size_t kMaxStateMessageBytes = kStateChunkBytes + 64;

// Feeds the first `bytes` of the file to the hash.
void hashFile(const std::string& path, std::uint64_t bytes, crypto_generichash_state* state) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<char> buffer(kStateChunkBytes);
  std::uint64_t left = bytes;
  while (left > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
    in.read(buffer.data(), static_cast<std::streamsize>(n));
    if (in.gcount() != static_cast<std::streamsize>(n)) throw std::runtime_error(path + " is shorter than expected");
    crypto_generichash_update(state, reinterpret_cast<const unsigned char*>(buffer.data()), n);
    left -= n;
  }
}

Key32 finish(crypto_generichash_state* state) {
  Key32 out;
  crypto_generichash_final(state, out.data(), out.size());
  return out;
}

Bytes encodeRefusal(const std::string& reason) {
  ByteWriter w;
  w.u8(kStateRefusalMessage);
  w.bytes(std::string_view(reason).substr(0, 512));
  return w.take();
}

std::string partialPath(const std::string& path) { return path + ".part"; }
std::string partialHashPath(const std::string& path) { return path + ".part-hash"; }

}  // namespace

SharedState describeState(std::uint64_t epoch, const std::string& path) {
  ensureSodium();
  SharedState s;
  s.epoch = epoch;
  s.path = path;
  std::error_code ec;
  s.size = std::filesystem::file_size(path, ec);
  if (ec) throw std::runtime_error("cannot read the state file " + path + ": " + ec.message());
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  hashFile(path, s.size, &state);
  s.hash = finish(&state);
  return s;
}

StateServer::StateServer(PeerServer& server) : server_(server) {
  server_.setHandler(kStateRequestMessage, [this](SecureChannel& channel, const Bytes& first) { serve(channel, first); });
}

StateServer::~StateServer() { server_.removeHandler(kStateRequestMessage); }

void StateServer::share(const SharedState& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  state_ = state;
}

void StateServer::stopSharing() {
  std::lock_guard<std::mutex> lock(mutex_);
  state_.reset();
}

// A request: offset u64 (where a broken transfer stopped) and the hash of the state it was of (zero
// for a fresh transfer). The answer: info (epoch, size, hash), then chunks from the offset — from 0
// when the hash differs.
void StateServer::serve(SecureChannel& channel, const Bytes& first) {
  ByteReader r(first);
  r.u8("type");
  std::uint64_t offset = r.u64("offset");
  const Key32 wanted = r.fixed<32>("hash");
  r.expectEnd("state request");
  std::optional<SharedState> state;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state = state_;
  }
  const auto deadline = [] { return Clock::now() + std::chrono::seconds(30); };
  if (!state) {
    ++unserved_;
    channel.send(asView(encodeRefusal("this peer has no state to share yet")), deadline());
    return;
  }
  if (wanted != state->hash || offset > state->size) offset = 0;
  ByteWriter info;
  info.u8(kStateInfoMessage);
  info.u64(state->epoch);
  info.u64(state->size);
  info.raw(state->hash);
  info.u64(offset);
  channel.send(asView(info.data()), deadline());
  std::ifstream in(state->path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::vector<char> buffer(kStateChunkBytes);
  while (offset < state->size) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(state->size - offset, buffer.size()));
    in.read(buffer.data(), static_cast<std::streamsize>(n));
    if (in.gcount() != static_cast<std::streamsize>(n)) {
      channel.send(asView(encodeRefusal("the state file changed while it was sent")), deadline());
      return;
    }
    ByteWriter chunk;
    chunk.u8(kStateChunkMessage);
    chunk.u64(offset);
    chunk.bytes(std::string_view(buffer.data(), n));
    channel.send(asView(chunk.data()), deadline());
    offset += n;
  }
}

DownloadedState downloadState(const GroupMember& from, const Identity& self, const RunKey& run,
                              const std::string& path, const StateDownloadOptions& options) {
  ensureSodium();
  const Deadline deadline = Clock::now() + options.timeout;
  const std::string part = partialPath(path);
  // What an earlier, broken transfer left: its bytes and the hash of the state they belong to.
  std::uint64_t have = 0;
  Key32 partialHash{};
  std::error_code ec;
  if (std::filesystem::exists(part, ec) && std::filesystem::exists(partialHashPath(path), ec)) {
    const std::string hex = readFile(partialHashPath(path));
    if (hex.size() >= 64 && sodium_hex2bin(partialHash.data(), 32, hex.data(), 64, nullptr, nullptr, nullptr) == 0) {
      have = std::filesystem::file_size(part, ec);
      if (ec) have = 0;
    }
  }

  auto channel = SecureChannel::connect(from.host, from.port, self, run,
                                        std::min(deadline, Clock::now() + options.chunkTimeout), from.id);
  ByteWriter request;
  request.u8(kStateRequestMessage);
  request.u64(have);
  request.raw(partialHash);
  channel->send(asView(request.data()), deadline);

  const Bytes infoBytes = channel->receive(kMaxStateMessageBytes, std::min(deadline, Clock::now() + options.chunkTimeout));
  ByteReader info(infoBytes);
  const std::uint8_t type = info.u8("type");
  if (type == kStateRefusalMessage) {
    throw std::runtime_error("peer " + shortName(from.id) + " refused: " + std::string(info.bytes(512, "reason")));
  }
  if (type != kStateInfoMessage) throw WireError("expected the state's description");
  DownloadedState out;
  out.epoch = info.u64("epoch");
  out.size = info.u64("size");
  out.hash = info.fixed<32>("hash");
  std::uint64_t offset = info.u64("offset");
  info.expectEnd("state info");
  out.path = path;
  if (out.size > options.maxBytes) {
    throw std::runtime_error("peer " + shortName(from.id) + " offers a state of " + std::to_string(out.size) +
                             " bytes, over the limit of " + std::to_string(options.maxBytes));
  }
  if (offset != 0 && (offset != have || out.hash != partialHash)) throw WireError("the server resumes at the wrong place");
  out.resumedFrom = offset;

  // Continue the partial file (or start it afresh), noting which state it holds.
  writeFileAtomically(partialHashPath(path), toHex(out.hash) + "\n");
  std::filesystem::resize_file(part, offset, ec);
  if (offset == 0) std::ofstream(part, std::ios::binary | std::ios::trunc);
  crypto_generichash_state hashState;
  crypto_generichash_init(&hashState, nullptr, 0, 32);
  if (offset > 0) hashFile(part, offset, &hashState);
  std::ofstream file(part, std::ios::binary | std::ios::app);
  if (!file) throw std::runtime_error("cannot write " + part);
  while (offset < out.size) {
    const Bytes chunkBytes = channel->receive(kMaxStateMessageBytes, std::min(deadline, Clock::now() + options.chunkTimeout));
    ByteReader chunk(chunkBytes);
    const std::uint8_t chunkType = chunk.u8("type");
    if (chunkType == kStateRefusalMessage) {
      throw std::runtime_error("peer " + shortName(from.id) + " stopped: " + std::string(chunk.bytes(512, "reason")));
    }
    if (chunkType != kStateChunkMessage) throw WireError("expected a chunk of the state");
    const std::uint64_t at = chunk.u64("offset");
    const std::string_view data = chunk.bytes(kStateChunkBytes, "data");
    chunk.expectEnd("state chunk");
    if (at != offset || data.size() > out.size - offset || data.empty()) throw WireError("a chunk out of place");
    file.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!file) throw std::runtime_error("cannot write " + part + " (disk full?)");
    crypto_generichash_update(&hashState, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    offset += data.size();
    if (options.onProgress) options.onProgress(offset, out.size);
  }
  file.close();
  const Key32 got = finish(&hashState);
  if (got != out.hash) {
    std::filesystem::remove(part, ec);
    std::filesystem::remove(partialHashPath(path), ec);
    throw std::runtime_error("the state from peer " + shortName(from.id) + " does not match its hash; discarded");
  }
  std::filesystem::rename(part, path);
  std::filesystem::remove(partialHashPath(path), ec);
  return out;
}

}  // namespace sds::swarm
