// libFuzzer's driver entry (compiler-rt, LLVM 11 and later): runs the fuzzing loop with the
// given callback. CALKit's fuzzer calls it from its own main, because SwiftPM names an
// executable's entry point itself.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
