// FreshVector<T>: a std::vector whose resize() leaves new elements of trivial types
// uninitialised, for big columns that a parallel loop fills right after.
//
// Why: in our VMs the cost of a fresh page is the kernel zeroing it at the first write, and a
// plain resize() makes that first write happen on one thread (memset) before the workers write
// the real values. With FreshVector the workers' own writes fault the pages in, in parallel.
// Only use it where every new element is written before it is read.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/parallel.hpp"

namespace orgraph {

template <class T>
class UninitialisedAllocator : public std::allocator<T> {
 public:
  template <class U>
  struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  UninitialisedAllocator() noexcept = default;
  template <class U>
  UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}

  // Value-initialisation (resize(n), vector(n)) becomes default-initialisation.
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <class T>
using FreshVector = std::vector<T, UninitialisedAllocator<T>>;

// v.resize(n) (or v.resize(n, value)) for elements that must be constructed (strings, member
// initialisers), with the new storage's pages first written by the workers (par::touch_pages):
// the constructors then run on one thread over memory the kernel has already backed.
template <class T, class A, class... Value>
void resize_touched(std::vector<T, A>& v, std::size_t n, const Value&... value) {
  static_assert(sizeof...(Value) <= 1, "resize_touched(v, n) or resize_touched(v, n, value)");
  if (n > v.size()) {
    v.reserve(n);
    par::touch_pages(v.data() + v.size(), (n - v.size()) * sizeof(T));
  }
  v.resize(n, value...);
}

}  // namespace orgraph
