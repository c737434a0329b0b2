#include "swarm/secure_channel.h"

#include <sodium.h>

#include "swarm/wire.h"

namespace sds::swarm {

namespace {

constexpr std::string_view kHelloMagic = "SDSH";
constexpr std::uint8_t kProtocolVersion = 1;
// magic, version, role, identity, ephemeral key, proof of the run key
constexpr std::size_t kHelloBytes = 4 + 1 + 1 + 32 + 32 + 32;
constexpr std::size_t kAbytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;

struct Hello {
  std::uint8_t role = 0;  // 0: initiator, 1: responder
  PeerId identity{};
  Key32 ephemeral{};
  Bytes encoded;
};

Key32 helloProof(const RunKey& run, std::uint8_t role, const PeerId& identity, const Key32& ephemeral) {
  const char roleByte = static_cast<char>(role);
  return hash32({"sds-swarm/v1/hello", std::string_view(&roleByte, 1), asView(identity), asView(ephemeral)},
                &run.channelKey());
}

Bytes encodeHello(const RunKey& run, std::uint8_t role, const PeerId& identity, const Key32& ephemeral) {
  ByteWriter w;
  w.raw(kHelloMagic);
  w.u8(kProtocolVersion);
  w.u8(role);
  w.raw(identity);
  w.raw(ephemeral);
  w.raw(helloProof(run, role, identity, ephemeral));
  return w.take();
}

Hello decodeHello(const Bytes& bytes, const RunKey& run, std::uint8_t expectedRole, const std::string& from) {
  ByteReader r(bytes);
  if (r.raw(4, "magic") != kHelloMagic) {
    throw ChannelError(ChannelError::Kind::Protocol, from + " is not a swarm peer (bad handshake magic)");
  }
  const std::uint8_t version = r.u8("version");
  if (version != kProtocolVersion) {
    throw ChannelError(ChannelError::Kind::Protocol, from + " speaks swarm protocol version " +
                                                         std::to_string(version) + ", this peer speaks " +
                                                         std::to_string(kProtocolVersion));
  }
  Hello hello;
  hello.role = r.u8("role");
  hello.identity = r.fixed<32>("identity");
  hello.ephemeral = r.fixed<32>("ephemeral key");
  const Key32 proof = r.fixed<32>("proof");
  const Key32 expected = helloProof(run, hello.role, hello.identity, hello.ephemeral);
  if (hello.role != expectedRole || !equalConstantTime(proof.data(), expected.data(), proof.size())) {
    throw ChannelError(ChannelError::Kind::Authentication,
                       from + " does not know this run's key (its handshake is not authenticated)");
  }
  hello.encoded = bytes;
  return hello;
}

std::string authMessage(std::uint8_t role, const Key32& transcript) {
  std::string m("sds-swarm/v1/auth");
  m += static_cast<char>(role);
  m += asView(transcript);
  return m;
}

}  // namespace

struct SecureChannel::Streams {
  crypto_secretstream_xchacha20poly1305_state push;
  crypto_secretstream_xchacha20poly1305_state pull;
};

SecureChannel::SecureChannel(TcpStream stream) : stream_(std::move(stream)), streams_(std::make_unique<Streams>()) {}

SecureChannel::~SecureChannel() {
  if (streams_) sodium_memzero(streams_.get(), sizeof(Streams));
}

std::unique_ptr<SecureChannel> SecureChannel::connect(const std::string& host, std::uint16_t port,
                                                      const Identity& self, const RunKey& run, Deadline deadline,
                                                      std::optional<PeerId> expected) {
  std::unique_ptr<SecureChannel> channel(new SecureChannel(TcpStream::connect(host, port, deadline)));
  channel->handshake(true, self, run, deadline, expected);
  return channel;
}

std::unique_ptr<SecureChannel> SecureChannel::accept(TcpStream stream, const Identity& self, const RunKey& run,
                                                     Deadline deadline) {
  std::unique_ptr<SecureChannel> channel(new SecureChannel(std::move(stream)));
  channel->handshake(false, self, run, deadline, std::nullopt);
  return channel;
}

void SecureChannel::handshake(bool initiator, const Identity& self, const RunKey& run, Deadline deadline,
                              const std::optional<PeerId>& expected) {
  ensureSodium();
  const std::string from = stream_.remoteAddress();
  const std::uint8_t myRole = initiator ? 0 : 1;
  Key32 ephemeralPublic;
  Key32 ephemeralSecret;
  crypto_kx_keypair(ephemeralPublic.data(), ephemeralSecret.data());
  const Bytes myHello = encodeHello(run, myRole, self.id(), ephemeralPublic);

  // The initiator speaks first; the responder answers only someone who proved the run key.
  Bytes theirBytes(kHelloBytes);
  if (initiator) {
    stream_.writeAll(myHello.data(), myHello.size(), deadline);
    stream_.readExact(theirBytes.data(), theirBytes.size(), deadline);
  } else {
    stream_.readExact(theirBytes.data(), theirBytes.size(), deadline);
  }
  const Hello theirs = decodeHello(theirBytes, run, initiator ? 1 : 0, from);
  if (!initiator) stream_.writeAll(myHello.data(), myHello.size(), deadline);
  if (expected && theirs.identity != *expected) {
    throw ChannelError(ChannelError::Kind::Authentication,
                       from + " is peer " + shortName(theirs.identity) + ", not the expected " + shortName(*expected));
  }
  if (theirs.identity == self.id()) {
    throw ChannelError(ChannelError::Kind::Protocol, from + " is this peer itself");
  }

  const Bytes& initiatorHello = initiator ? myHello : theirs.encoded;
  const Bytes& responderHello = initiator ? theirs.encoded : myHello;
  const Key32 transcript = hash32({"sds-swarm/v1/transcript", asView(initiatorHello), asView(responderHello)});

  Key32 rx;
  Key32 tx;
  const int kx = initiator ? crypto_kx_client_session_keys(rx.data(), tx.data(), ephemeralPublic.data(),
                                                          ephemeralSecret.data(), theirs.ephemeral.data())
                           : crypto_kx_server_session_keys(rx.data(), tx.data(), ephemeralPublic.data(),
                                                          ephemeralSecret.data(), theirs.ephemeral.data());
  sodium_memzero(ephemeralSecret.data(), ephemeralSecret.size());
  if (kx != 0) throw ChannelError(ChannelError::Kind::Authentication, from + " sent an unusable ephemeral key");
  // Bind the session keys to the run key and the transcript.
  const Key32 sendKey = hash32({"sds-swarm/v1/key", asView(tx), asView(transcript)}, &run.channelKey());
  const Key32 receiveKey = hash32({"sds-swarm/v1/key", asView(rx), asView(transcript)}, &run.channelKey());
  sodium_memzero(rx.data(), rx.size());
  sodium_memzero(tx.data(), tx.size());

  std::uint8_t header[kHeaderBytes];
  crypto_secretstream_xchacha20poly1305_init_push(&streams_->push, header, sendKey.data());
  stream_.writeAll(header, kHeaderBytes, deadline);
  std::uint8_t theirHeader[kHeaderBytes];
  stream_.readExact(theirHeader, kHeaderBytes, deadline);
  if (crypto_secretstream_xchacha20poly1305_init_pull(&streams_->pull, theirHeader, receiveKey.data()) != 0) {
    throw ChannelError(ChannelError::Kind::Protocol, from + " sent an invalid stream header");
  }

  // Each side proves its identity by signing the transcript; the other checks it against the hello.
  const Signature mine = self.sign(authMessage(myRole, transcript));
  send(asView(mine.data(), mine.size()), deadline);
  const Bytes theirSignature = receive(64, deadline);
  Signature signature;
  if (theirSignature.size() != signature.size()) {
    throw ChannelError(ChannelError::Kind::Authentication, from + " sent a malformed identity proof");
  }
  std::copy(theirSignature.begin(), theirSignature.end(), signature.begin());
  if (!verifySignature(theirs.identity, authMessage(theirs.role, transcript), signature)) {
    throw ChannelError(ChannelError::Kind::Authentication,
                       from + " could not prove it holds the identity " + shortName(theirs.identity));
  }
  peer_ = theirs.identity;
}

void SecureChannel::send(std::string_view message, Deadline deadline) {
  if (message.size() > kMaxMessageBytes) {
    throw std::invalid_argument("a swarm message of " + std::to_string(message.size()) +
                                " bytes is over the limit of " + std::to_string(kMaxMessageBytes));
  }
  Bytes frame(4 + message.size() + kAbytes);
  const std::uint32_t length = static_cast<std::uint32_t>(message.size() + kAbytes);
  for (int i = 0; i < 4; ++i) frame[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (8 * i));
  crypto_secretstream_xchacha20poly1305_push(&streams_->push, frame.data() + 4, nullptr,
                                             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                             nullptr, 0, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  stream_.writeAll(frame.data(), frame.size(), deadline);
  bytesSent_ += frame.size();
}

Bytes SecureChannel::receive(std::size_t maxBytes, Deadline deadline) {
  std::uint8_t lengthBytes[4];
  stream_.readExact(lengthBytes, 4, deadline);
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i) length |= static_cast<std::uint32_t>(lengthBytes[i]) << (8 * i);
  const std::size_t limit = std::min(maxBytes, kMaxMessageBytes);
  if (length < kAbytes || length - kAbytes > limit) {
    stream_.close();
    throw ChannelError(ChannelError::Kind::Protocol, stream_.remoteAddress() + " announced a message of " +
                                                         std::to_string(length < kAbytes ? 0 : length - kAbytes) +
                                                         " bytes; the limit here is " + std::to_string(limit));
  }
  Bytes ciphertext(length);
  stream_.readExact(ciphertext.data(), length, deadline);
  Bytes message(length - kAbytes);
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&streams_->pull, message.data(), nullptr, &tag, ciphertext.data(),
                                                 length, nullptr, 0) != 0) {
    stream_.close();
    throw ChannelError(ChannelError::Kind::Authentication,
                       stream_.remoteAddress() + " sent a message that fails authentication (tampered or out of order)");
  }
  bytesReceived_ += 4 + length;
  return message;
}

}  // namespace sds::swarm
