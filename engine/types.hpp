// Vocabulary of the data model (contracts.md section 1): dense ids and the enumerations of
// every column that takes a fixed set of values, with their spelling in files.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace orgraph {

// Dense 32-bit index of an entity within its table. kNone marks "missing".
using Id = std::uint32_t;
inline constexpr Id kNone = std::numeric_limits<Id>::max();

enum class AreaLevel : std::uint8_t { city, district, street, community };
enum class UnitLine : std::uint8_t { organization, civil_affairs, industry, community };
enum class OrgKind : std::uint8_t { social_group, social_service, foundation, community_group };
enum class OrgStatus : std::uint8_t { active, suspended, deregistered };
enum class PartyStatus : std::uint8_t { none, probationary, full };
enum class Role : std::uint8_t { staff, leader, member };
enum class BranchForm : std::uint8_t {
  committee,
  general_branch,
  branch,
  joint_branch,
  temporary_branch
};
enum class SubordinateKind : std::uint8_t { unit, branch };

template <class E>
struct EnumNames;
template <>
struct EnumNames<AreaLevel> {
  static constexpr std::array<std::string_view, 4> names{"city", "district", "street",
                                                         "community"};
};
template <>
struct EnumNames<UnitLine> {
  static constexpr std::array<std::string_view, 4> names{"organization", "civil_affairs",
                                                         "industry", "community"};
};
template <>
struct EnumNames<OrgKind> {
  static constexpr std::array<std::string_view, 4> names{"social_group", "social_service",
                                                         "foundation", "community_group"};
};
template <>
struct EnumNames<OrgStatus> {
  static constexpr std::array<std::string_view, 3> names{"active", "suspended", "deregistered"};
};
template <>
struct EnumNames<PartyStatus> {
  static constexpr std::array<std::string_view, 3> names{"none", "probationary", "full"};
};
template <>
struct EnumNames<Role> {
  static constexpr std::array<std::string_view, 3> names{"staff", "leader", "member"};
};
template <>
struct EnumNames<BranchForm> {
  static constexpr std::array<std::string_view, 5> names{
      "committee", "general_branch", "branch", "joint_branch", "temporary_branch"};
};
template <>
struct EnumNames<SubordinateKind> {
  static constexpr std::array<std::string_view, 2> names{"unit", "branch"};
};

template <class E>
constexpr std::string_view to_string(E value) {
  return EnumNames<E>::names[static_cast<std::size_t>(value)];
}

template <class E>
constexpr std::optional<E> parse_enum(std::string_view text) {
  const auto& names = EnumNames<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// "a|b|c": the accepted spellings, for error messages.
template <class E>
std::string enum_choices() {
  std::string out;
  for (auto name : EnumNames<E>::names) {
    if (!out.empty()) out += '|';
    out += name;
  }
  return out;
}

// The level one step above (city has none).
constexpr std::optional<AreaLevel> parent_level(AreaLevel level) {
  if (level == AreaLevel::city) return std::nullopt;
  return static_cast<AreaLevel>(static_cast<int>(level) - 1);
}

// Higher in the administrative hierarchy means a smaller enum value.
constexpr bool is_above(AreaLevel a, AreaLevel b) {
  return static_cast<int>(a) < static_cast<int>(b);
}

}  // namespace orgraph
