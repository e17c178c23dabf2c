#pragma once
// A fixed pseudo-random generator (xoshiro256** seeded by splitmix64), so that the same
// seed gives byte-identical output with every compiler and standard library: std
// distributions are implementation-defined, std::random_device is not reproducible.

#include <cstdint>

namespace ordertrace::sim {

constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

class Rng {
public:
  explicit Rng(std::uint64_t seed) noexcept {
    std::uint64_t state = seed;
    for (auto& word : m_state) {
      word = splitmix64(state);
    }
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17U;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
  }

  // Uniform in [0, 1): the top 53 bits, exact in a double.
  double unit() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  // Uniform in [low, high] (inclusive); low <= high.
  std::int64_t between(std::int64_t low, std::int64_t high) noexcept {
    const auto span = static_cast<std::uint64_t>(high - low) + 1;
    return low + static_cast<std::int64_t>(span == 0 ? next() : next() % span);
  }
  bool chance(double probability) noexcept { return unit() < probability; }

private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
  }
  std::uint64_t m_state[4]{};
};

} // namespace ordertrace::sim
