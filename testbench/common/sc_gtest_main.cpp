// libsystemc defines main() and calls sc_main: GoogleTest runs from here.
// ctest runs each test in its own process (SystemC cannot elaborate twice).
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
