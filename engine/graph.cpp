#include "engine/graph.hpp"

namespace orgraph {

std::uint32_t OrgGraph::full_members_of(std::span<const Id> org_set,
                                        std::vector<std::uint8_t>& scratch,
                                        bool count_probationary) const {
  std::uint32_t count = 0;
  for (Id org : org_set) {
    const auto people_of = org_people[org];
    const std::uint32_t base = org_people.begin_of(org);
    for (std::size_t k = 0; k < people_of.size(); ++k) {
      const Role role = org_people.payload[base + k];
      if (role == Role::member) continue;
      const Id p = people_of[k];
      const PartyStatus s = people[p].party_status;
      const bool counts =
          s == PartyStatus::full || (count_probationary && s == PartyStatus::probationary);
      if (counts && scratch[p] == 0) {
        scratch[p] = 1;
        ++count;
      }
    }
  }
  for (Id org : org_set) {
    for (Id p : org_people[org]) scratch[p] = 0;
  }
  return count;
}

bool OrgGraph::area_contains(Id ancestor, Id area) const {
  while (area != kNone) {
    if (area == ancestor) return true;
    area = areas[area].parent;
  }
  return false;
}

void OrgGraph::build_indexes() {
  area_index.build(area_ids);
  unit_index.build(unit_ids);
  org_index.build(org_ids);
  person_index.build(person_ids);
  branch_index.build(branch_ids);
  industry_index.build(industry_names);
}

namespace {
template <class T, class A>
std::size_t vec_bytes(const std::vector<T, A>& v) {
  return v.capacity() * sizeof(T);
}
template <class P>
std::size_t csr_bytes(const Csr<P>& c) {
  std::size_t b = vec_bytes(c.offsets) + vec_bytes(c.targets);
  if constexpr (!std::is_void_v<P>) b += vec_bytes(c.payload);
  return b;
}
}  // namespace

std::size_t OrgGraph::memory_bytes() const {
  std::size_t b = vec_bytes(areas) + vec_bytes(units) + vec_bytes(orgs) + vec_bytes(people) +
                  vec_bytes(branches);
  for (const StringColumn* c : {&area_ids, &area_names, &unit_ids, &unit_names, &org_ids,
                                &org_names, &person_ids, &person_names, &branch_ids,
                                &branch_names, &industry_names}) {
    b += c->bytes();
  }
  b += csr_bytes(area_children) + csr_bytes(area_orgs) + csr_bytes(area_units) +
       csr_bytes(org_people) + csr_bytes(person_orgs) + csr_bytes(branch_orgs) +
       csr_bytes(org_branches) + csr_bytes(branch_people) + csr_bytes(person_branches) +
       csr_bytes(unit_sub_units) + csr_bytes(unit_superiors) + csr_bytes(unit_sub_branches) +
       csr_bytes(branch_superiors) + csr_bytes(org_instructor_units) +
       csr_bytes(unit_instructed_orgs) + csr_bytes(unit_competent_orgs);
  b += vec_bytes(instructor_unit) + vec_bytes(instructor_org) + vec_bytes(instructor_person);
  for (const Interner* i :
       {&area_index, &unit_index, &org_index, &person_index, &branch_index, &industry_index}) {
    b += i->bytes();
  }
  return b;
}

std::string node_key(std::string_view kind, std::string_view id) {
  std::string out;
  out.reserve(kind.size() + 1 + id.size());
  out.append(kind).append(":").append(id);
  return out;
}

}  // namespace orgraph
