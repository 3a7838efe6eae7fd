// A fixture for tests run once per thread count (the test parameter, e.g.
// INSTANTIATE_TEST_SUITE_P(Threads, X, ::testing::Values(1, 2, 8))): par::set_threads for the
// test's duration, all cores again after it.
#pragma once

#include <gtest/gtest.h>

#include "engine/parallel.hpp"

namespace orgraph {

class ThreadCountTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { par::set_threads(GetParam()); }
  void TearDown() override { par::set_threads(0); }
};

}  // namespace orgraph
