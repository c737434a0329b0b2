#pragma once
// A small, portable random generator for data order, crops, flips and caption transforms. Standard
// library distributions and std::shuffle differ between implementations, so exact resume and
// reproducible runs use this instead; its whole state is one 64-bit number, saved with a checkpoint.

#include <cstdint>
#include <utility>
#include <vector>

namespace sds::data {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : state_(seed) {}

  // SplitMix64: passes BigCrush, and any seed (0 included) is a good one.
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n) without modulo bias; n must be > 0.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x;
    do x = next();
    while (x >= limit);
    return x % n;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  bool chance(double probability) { return probability > 0 && uniform() < probability; }

  // Fisher–Yates, the same order on every platform for the same state.
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

  // Derives an independent generator (for a sample, an epoch, a worker) from this one's seed and a key.
  static Rng derive(std::uint64_t seed, std::uint64_t key) {
    Rng mixer(seed ^ (key * 0xD1B54A32D192ED03ull));
    return Rng(mixer.next());
  }

  std::uint64_t state() const { return state_; }
  void setState(std::uint64_t state) { state_ = state; }

 private:
  std::uint64_t state_;
};

}  // namespace sds::data
